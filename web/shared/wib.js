// Days and years as the server counts them: on WIB (UTC+7), whatever the
// device's own time zone.
const WIB_MS = 7 * 3600e3;

/** Today's date in WIB, as YYYY-MM-DD. */
export const todayWIB = () => new Date(Date.now() + WIB_MS).toISOString().slice(0, 10);

/** The current year in WIB. */
export const yearWIB = () => new Date(Date.now() + WIB_MS).getUTCFullYear();

// UI strings of issue 15's later steps (wipe on revoke, desk roles'
// editing and cluster view): key -> [Bahasa Indonesia, English].
// Registered on import, so the screens that use them need no other change.
import { addStrings } from '../shared/i18n.js';

const strings = {
  'phones.wipe': ['Hapus juga data di ponsel (wipe)', 'Also delete the data on the phone (wipe)'],
  'phones.wipe.hint': ['Ponsel mengirim dulu data yang belum terkirim, lalu menghapus semua data tersinkron (catatan, foto, kosakata, token). Pilih ini untuk ponsel yang diserahkan kembali atau berpindah tangan.',
    'The phone first sends what it has not sent, then deletes all synced data (records, photos, vocabularies, tokens). Choose this for a phone handed back or passing to someone else.'],
  'phones.revoke.wipe': ['Cabut dan hapus data', 'Revoke and wipe'],
  'phones.revoked.wipe': ['Akses ponsel dicabut; ponsel akan mengirim data yang belum terkirim lalu menghapus datanya saat tersambung lagi.',
    'The phone was revoked; when it next connects it sends what it has not sent, then deletes its data.'],
  'phones.state.wipe_pending': ['Dicabut, menunggu penghapusan', 'Revoked, wipe pending'],
  'phones.state.wiped': ['Dicabut, data dihapus', 'Revoked, data wiped'],
  'acc.console_only': ['Konsol saja', 'Console only'],
  'acc.console_only.hint': ['Peran ini bekerja di konsol; ponsel tidak dapat didaftarkan.', 'This role works in the console; no phone can be enrolled.'],
};

addStrings(strings);
export default strings;

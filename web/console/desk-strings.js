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
  'act.edit': ['Ubah kegiatan', 'Edit the activity'],
  'act.edit.link': ['Ubah', 'Edit'],
  'act.returned': ['Dikembalikan pemeriksa', 'Returned by the reviewer'],
  'act.locked': ['Kegiatan ini berstatus {status}: hanya draf dan yang dikembalikan yang dapat diubah.', 'This activity is {status}: only drafts and returned activities can be edited.'],
  'nav.cluster': ['Sub gugus tugas saya', 'My cluster'],
  'cluster.title': ['Sub gugus tugas {cluster}', 'The {cluster} cluster'],
  'cluster.none': ['Akun ini belum punya sub gugus tugas; minta sekretariat mengisinya.', 'This account has no cluster yet; ask the secretariat to set it.'],
  'cluster.intro': ['Sekilas: kegiatan sub gugus tugas ini, indikator RAD-nya dan angka tahun {year}.', 'At a glance: this cluster\'s activities, its RAD indicators and the figures of {year}.'],
  'cluster.year': ['Tahun', 'Year'],
  'cluster.activities': ['Kegiatan sub gugus tugas (tahun ini, disetujui)', 'Cluster activities (this year, approved)'],
  'cluster.participants': ['Peserta', 'Participants'],
  'cluster.byStatus': ['Kegiatan menurut status (semua tahun)', 'Activities by status (all years)'],
  'cluster.recent': ['Kegiatan terbaru', 'Latest activities'],
  'cluster.noActivities': ['Belum ada kegiatan sub gugus tugas ini.', 'No activity of this cluster yet.'],
  'cluster.rad': ['Indikator RAD', 'RAD indicators'],
  'cluster.noRad': ['Tidak ada indikator RAD untuk sub gugus tugas ini.', 'No RAD indicator for this cluster.'],
  'cluster.col.title': ['Kegiatan', 'Activity'],
  'cluster.col.date': ['Tanggal', 'Date'],
  'cluster.col.area': ['Wilayah', 'Area'],
  'cluster.col.status': ['Status', 'Status'],
  'cluster.col.indicator': ['Indikator', 'Indicator'],
  'cluster.col.target': ['Target', 'Target'],
  'cluster.col.achieved': ['Capaian', 'Achieved'],
  'cluster.col.light': ['Keadaan', 'State'],
  'cluster.new': ['Catat kegiatan', 'Record an activity'],
};

addStrings(strings);
export default strings;

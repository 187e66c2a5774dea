// The console's copy of the vocabularies (shared/vocab.js): loaded after
// sign-in, reloaded after the secretariat edits them.
import { setVocabularies } from '../shared/vocab.js';
import { pb } from './pb.js';

/** Loads every entry (a few hundred at most) and installs them. */
export async function loadVocabularies() {
  const rows = await pb.collection('vocabularies').getFullList({ batch: 500, sort: 'kind,order,code' });
  setVocabularies(rows);
  return rows;
}

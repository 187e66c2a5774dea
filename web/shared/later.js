// Text kept in state but read when shown: a message made when an error
// came is then in the language of the moment it is shown, and follows a
// switch of language (both web apps).

/** Sets obj[name] to a getter of text() and returns obj. */
export function setLater(obj, name, text) {
  Object.defineProperty(obj, name, { get: text, enumerable: true, configurable: true });
  return obj;
}

/** A copy of obj without name, its getters kept as getters. */
export function without(obj, name) {
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(obj));
  delete out[name];
  return out;
}

/** A message kept in state, read when shown: `{text}`, text() giving it in the language of that moment. */
export function later(text) {
  return setLater({}, 'text', text);
}

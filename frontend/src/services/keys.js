// Access keys as people type and share them.

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{16}$/

/** What was typed, read the way the server reads it: any case, spaces and dashes ignored. */
export function canonicalKey(typed) {
  return (typed || '').toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0')
}

/** True when what was typed could be a key (16 Crockford base32 characters). */
export function looksLikeKey(typed) {
  return CROCKFORD.test(canonicalKey(typed))
}

/** The key a join link carries in its fragment (#key=...), or null. */
export function keyFromFragment(hash) {
  const params = new URLSearchParams((hash || '').replace(/^#/, ''))
  const key = params.get('key')
  return key ? key.trim() : null
}

/**
 * A link that signs its holder in at once. The key rides in the fragment, which browsers never
 * send to a server, so it stays out of access logs and Referer headers.
 */
export function joinLink(key, origin = window.location.origin) {
  return `${origin}/#key=${encodeURIComponent(key)}`
}

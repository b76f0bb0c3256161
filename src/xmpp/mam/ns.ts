// XEP-0313 message archive management (v2), with XEP-0059 result set paging and XEP-0297 forwarding.
export const NS_MAM = 'urn:xmpp:mam:2';
export const NS_RSM = 'http://jabber.org/protocol/rsm';
export const NS_FORWARD = 'urn:xmpp:forward:0';

/** What we accept from an archive before calling an answer oversized. */
export const MAM_LIMITS = {
  /** Per page; Prosody 0.12 caps a page at 50 by default (max_archive_query_results). */
  pageSize: 50,
  /** Across all pages of one query. */
  maxMessages: 2000,
  /** Archive ids and RSM cursors. */
  idChars: 256,
  pageTimeoutMs: 10_000,
} as const;

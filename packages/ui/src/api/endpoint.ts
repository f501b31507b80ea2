// The one place that knows how the web host authenticates a WebSocket: the
// token printed by `jackbay serve` travels in the page's fragment
// (`#token=…`, never sent to the server with the page request) and is handed
// to the WebSocket as a query parameter of `/ws`. `/auth` says whether a
// token is right, which a refused WebSocket cannot tell the page.

export const TOKEN_STORAGE_KEY = 'jackbay.token';

/** The token from `#token=…`, remembered for the tab so a reload without the fragment still works. */
export function readToken(
  location: Pick<Location, 'hash'>,
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (token) {
    storage?.setItem(TOKEN_STORAGE_KEY, token);
    return token;
  }
  return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
}

/** `ws://host/ws` for a page served over http, `wss://…` over https. */
export function webSocketBase(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

export function authenticatedUrl(base: string, token: string | null): string {
  if (!token) return base;
  const url = new URL(base);
  url.searchParams.set('token', token);
  return url.toString();
}

/** Asks the web host whether `token` is right: true, false, or null when it could not tell. */
export async function tokenAccepted(
  location: Pick<Location, 'origin'>,
  token: string | null,
): Promise<boolean | null> {
  try {
    const response = await fetch(`${location.origin}/auth`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      cache: 'no-store',
    });
    if (response.status === 204) return true;
    if (response.status === 401) return false;
    return null;
  } catch {
    return null; // The host is down: that is a lost link, not a refusal.
  }
}

// Build-time only (used by electron.vite.config.ts, not shipped): puts the
// CSP meta tag into the built page. Vite's dev server needs inline scripts
// (React refresh) that the policy rightly forbids, so dev pages go without.
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from '../src/main/security';

export function contentSecurityPolicy(): Plugin {
  return {
    name: 'jackbay-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META },
        // First in <head>: a policy covers only what comes after it.
        injectTo: 'head-prepend',
      },
    ],
  };
}

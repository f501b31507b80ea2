import { useEffect } from 'react';
import { useJackbay } from '../store/context';
import type { Toast } from '../store/store';

const LIFETIME_MS = { error: 7000, info: 3500 };

function ToastView({ toast, dismiss }: { toast: Toast; dismiss: (id: number) => void }) {
  useEffect(() => {
    const t = setTimeout(() => dismiss(toast.id), LIFETIME_MS[toast.kind]);
    return () => clearTimeout(t);
  }, [toast, dismiss]);
  return (
    <div
      className={`jb-toast jb-toast-${toast.kind}`}
      role={toast.kind === 'error' ? 'alert' : 'status'}
    >
      <span className="jb-toast-text">{toast.text}</span>
      <button
        type="button"
        className="jb-toast-close"
        aria-label="Dismiss"
        onClick={() => dismiss(toast.id)}
      >
        ×
      </button>
    </div>
  );
}

export function Toasts() {
  const toasts = useJackbay((s) => s.toasts);
  const dismiss = useJackbay((s) => s.dismiss);
  return (
    <div className="jb-toasts" aria-live="polite" data-testid="messages">
      {toasts.map((t) => (
        <ToastView key={t.id} toast={t} dismiss={dismiss} />
      ))}
    </div>
  );
}

/**
 * A modal question asked once before something that cannot be undone (a native <dialog>:
 * focus stays inside, Escape cancels, focus returns to the opener).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface ConfirmDialogProps {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog(p: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="dialog-title"
      aria-describedby="dialog-text"
      onCancel={(e) => {
        e.preventDefault();
        p.onCancel();
      }}
      data-testid="confirm-dialog"
    >
      <h2 id="dialog-title" class="dialog-title">
        {p.title}
      </h2>
      <div id="dialog-text" class="dialog-text">
        {p.children}
      </div>
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={p.onCancel} autofocus>
          Cancel
        </button>
        <button type="button" class="btn btn-danger-solid" onClick={p.onConfirm} data-testid="confirm-yes">
          {p.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

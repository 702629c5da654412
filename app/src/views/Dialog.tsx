// A modal <dialog> shown while `open`: showModal() when it opens, close() when it no longer is,
// and `onClose` when the person closes it (a "Close" button in a method="dialog" form, Esc).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface DialogProps {
  id: string;
  open: boolean;
  onClose: () => void;
  /** The id of the dialog's heading, its accessible name. */
  labelledBy?: string;
  children: ComponentChildren;
}

/** The dialog's "Close" button (a method="dialog" form: closing needs no script). */
export function CloseButton({ secondary = true }: { secondary?: boolean }) {
  return (
    <form method="dialog">
      <button type="submit" class={secondary ? 'secondary' : undefined}>
        Close
      </button>
    </form>
  );
}

export function Dialog({ id, open, onClose, labelledBy, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog id={id} ref={ref} aria-labelledby={labelledBy} onClose={() => open && onClose()}>
      {children}
    </dialog>
  );
}

/**
 * QR codes to move the current address to a phone: the address itself, and a link that opens
 * the same mailbox there (share.ts: the token travels in the URL fragment). This module and
 * its encoder (uqr) are loaded only when the dialog is first opened (AddressCard), so the first
 * load of the page stays as light as before.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { encode } from 'uqr';
import type { Mailbox } from '../api.ts';
import { shareLink } from '../share.ts';

type Which = 'address' | 'link';

/** Dark modules of a QR matrix as one SVG path (one square per module; no markup strings). */
function modulesPath(data: boolean[][]): string {
  let d = '';
  data.forEach((row, y) => row.forEach((dark, x) => {
    if (dark) d += `M${x} ${y}h1v1h-1z`;
  }));
  return d;
}

function QrImage(p: { text: string; label: string }) {
  const path = useMemo(() => {
    const { data } = encode(p.text, { ecc: 'M', border: 4 });
    return { d: modulesPath(data), n: data.length };
  }, [p.text]);
  return (
    <svg class="qr-image" viewBox={`0 0 ${path.n} ${path.n}`} role="img" aria-label={p.label} shape-rendering="crispEdges" data-testid="qr-svg">
      <rect width={path.n} height={path.n} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  );
}

export interface QrDialogProps {
  mailbox: Mailbox;
  onClose(): void;
}

export function QrDialog(p: QrDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [which, setWhich] = useState<Which>('address');
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const link = shareLink(p.mailbox);
  return (
    <dialog
      ref={ref}
      class="dialog qr-dialog"
      aria-labelledby="qr-title"
      onCancel={(e) => {
        e.preventDefault();
        p.onClose();
      }}
      data-testid="qr-dialog"
    >
      <h2 id="qr-title" class="dialog-title">
        Scan with your phone
      </h2>
      <fieldset class="qr-choice">
        <legend class="sr-only">What the code holds</legend>
        <label>
          <input type="radio" name="qr-which" checked={which === 'address'} onChange={() => setWhich('address')} data-testid="qr-address" />
          The address
        </label>
        <label>
          <input type="radio" name="qr-which" checked={which === 'link'} onChange={() => setWhich('link')} data-testid="qr-link" />
          This mailbox, to read it there
        </label>
      </fieldset>
      {which === 'address' ? (
        <>
          <QrImage text={p.mailbox.email} label={`QR code of the address ${p.mailbox.email}`} />
          <p class="dialog-text">{p.mailbox.email}</p>
        </>
      ) : (
        <>
          <QrImage text={link} label="QR code of a link that opens this mailbox" />
          <p class="dialog-text" data-testid="qr-warning">
            Anyone who scans this code can read this address's mail until it expires. The secret part of the link
            stays on the devices: browsers never send it to a server.
          </p>
        </>
      )}
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={p.onClose} autofocus>
          Close
        </button>
      </div>
    </dialog>
  );
}

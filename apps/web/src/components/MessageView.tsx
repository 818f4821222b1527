/**
 * One message: headers, the detected code and confirmation link, attachments, and the body
 * as sandboxed HTML, plain text or raw source. Message data is only ever rendered as text
 * nodes; HTML mail is shown only through the sandboxed frame (no scripts).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  attachmentUrl,
  htmlUrl,
  rawUrl,
  readMessage,
  readRaw,
  type Mailbox,
  type Message,
} from '../api.ts';
import { formatBytes, formatDateTime, formatFull, hostOf, isWebUrl, splitLinks } from '../format.ts';
import { fitFrame } from '../fit-frame.ts';
import { CopyButton } from './CopyButton.tsx';
import { BackIcon, ClipIcon, ExternalIcon, KeyIcon, ShieldIcon } from './icons.tsx';

/**
 * The sandbox for mail HTML: links may open new tabs; no script can run. Same-origin only so
 * this page can read the frame's layout to fit it (fit-frame.ts): without allow-scripts the
 * frame itself can do nothing with that origin.
 */
export const MAIL_FRAME_SANDBOX = 'allow-same-origin allow-popups allow-popups-to-escape-sandbox';
const RAW_MAX_CHARS = 512 * 1024;
/** At least this much of the body is in sight once a message is opened (else the page scrolls to it). */
const BODY_IN_SIGHT_PX = 240;

type Tab = 'html' | 'text' | 'source';

export interface MessageViewProps {
  mailbox: Mailbox;
  id: string;
  onBack(): void;
  onGone(id: string): void;
  announce(text: string): void;
}

export function MessageView(p: MessageViewProps) {
  const [msg, setMsg] = useState<Message | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('html');
  const [remote, setRemote] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    setMsg(null);
    setError(null);
    setRemote(false);
    readMessage(p.mailbox, p.id).then(
      (m) => {
        if (!live) return;
        setMsg(m);
        setTab(m.html !== null && m.html !== undefined ? 'html' : 'text');
      },
      (err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 404) p.onGone(p.id);
        setError(err instanceof ApiError ? err.message : 'The message could not be loaded.');
      },
    );
    return () => {
      live = false;
    };
  }, [p.mailbox.email, p.mailbox.token, p.id]);

  useEffect(() => {
    const h = heading.current;
    if (!msg || !h) return;
    // One pane at a time on narrow screens: bring the message to the top. On wide ones too when
    // the body would start below the fold (under the address card): the body must be in sight.
    const pane = h.closest('.viewer-pane');
    const body = pane?.querySelector('.tab-panel');
    const narrow = window.matchMedia('(max-width: 859px)').matches;
    const hidden = body ? body.getBoundingClientRect().top > window.innerHeight - BODY_IN_SIGHT_PX : false;
    if (narrow || hidden) pane?.scrollIntoView({ block: 'start' });
    h.focus({ preventScroll: narrow || hidden });
  }, [msg?.id]);

  const back = (
    <button type="button" class="btn btn-ghost back" onClick={p.onBack}>
      <BackIcon />
      <span class="btn-label">Inbox</span>
    </button>
  );

  if (error) {
    return (
      <div class="viewer-state" role="alert">
        {back}
        <p>{error}</p>
      </div>
    );
  }
  if (!msg) {
    return (
      <div class="viewer-state" aria-busy="true">
        {back}
        <div class="skeleton skeleton-title" />
        <div class="skeleton" />
        <div class="skeleton skeleton-body" />
        <span class="sr-only">Loading the message…</span>
      </div>
    );
  }

  const link = isWebUrl(msg.confirmation_link) ? msg.confirmation_link : null;
  const hasHtml = msg.html !== null && msg.html !== undefined;
  // Images the HTML shows inline (cid:) are part of the message, not attachments to download.
  const listed = (msg.attachments ?? []).map((a, i) => ({ a, i })).filter(({ a }) => !(a.inline && hasHtml));
  return (
    <article class="message" aria-labelledby="message-subject" data-testid="message">
      {back}
      <header class="message-head">
        <h2 id="message-subject" class="message-subject" tabIndex={-1} ref={heading}>
          {msg.subject.trim() || '(no subject)'}
        </h2>
        <dl class="message-meta">
          <div>
            <dt>From</dt>
            <dd data-testid="message-from">
              {msg.sender_name?.trim() ? (
                <>
                  <span class="from-name">{msg.sender_name.trim()}</span> <span class="from-address">&lt;{msg.sender}&gt;</span>
                </>
              ) : (
                msg.sender || '(unknown sender)'
              )}
            </dd>
          </div>
          <div>
            <dt>To</dt>
            <dd>{msg.email}</dd>
          </div>
          <div>
            <dt>Date</dt>
            <dd>
              <time dateTime={msg.date_received} title={formatFull(msg.date_received)}>
                {formatDateTime(msg.date_received)}
              </time>
            </dd>
          </div>
        </dl>
      </header>

      {(msg.otp || link || msg.confirmation_link) && (
        <div class="extracted">
          {msg.otp && (
            <section class="otp" aria-label="Verification code">
              <p class="otp-label">
                <KeyIcon />
                Verification code
              </p>
              <p class="otp-code" data-testid="otp-code">
                {msg.otp}
              </p>
              <CopyButton
                class="btn btn-primary"
                text={msg.otp}
                label="Copy code"
                ariaLabel={`Copy code ${msg.otp}`}
                spoken={`Code ${msg.otp} copied`}
                announce={p.announce}
              />
            </section>
          )}
          {link ? (
            <section class="confirm" aria-label="Confirmation link">
              <p class="otp-label">
                <ExternalIcon />
                Confirmation link
              </p>
              <a
                class="btn btn-primary"
                href={link}
                target="_blank"
                rel="noopener noreferrer"
                data-testid="confirm-link"
              >
                <span class="btn-label">Open confirmation link</span>
                <ExternalIcon />
                <span class="sr-only"> (opens in a new tab)</span>
              </a>
              <p class="confirm-host" title={link}>
                {hostOf(link)}
              </p>
            </section>
          ) : (
            msg.confirmation_link && (
              <p class="confirm-text">
                Confirmation link: <code>{msg.confirmation_link}</code>
              </p>
            )
          )}
        </div>
      )}

      {listed.length > 0 && (
        <section class="attachments" aria-labelledby="attachments-heading">
          <h3 id="attachments-heading" class="section-title">
            <ClipIcon />
            {listed.length === 1 ? '1 attachment' : `${listed.length} attachments`}
          </h3>
          <ul>
            {listed.map(({ a, i }) => (
              <li key={i}>
                <a href={attachmentUrl(p.mailbox, msg.id, i)} download={a.filename || `attachment-${i + 1}`}>
                  {a.filename || `attachment-${i + 1}`}
                </a>
                <span class="attachment-meta">
                  {a.content_type} · {formatBytes(a.size)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <Tabs tab={tab} setTab={setTab} hasHtml={hasHtml} />
      <div
        class="tab-panel"
        role="tabpanel"
        id={`panel-${tab}`}
        aria-labelledby={`tab-${tab}`}
        tabIndex={tab === 'html' ? undefined : 0}
      >
        {tab === 'html' && hasHtml && (
          <HtmlBody mailbox={p.mailbox} id={msg.id} remote={remote} onRemote={() => setRemote(true)} />
        )}
        {tab === 'text' && (
          <pre class="body-text" data-testid="body-text" tabIndex={0} role="region" aria-label="Message text">
            {msg.body ? <LinkedText text={msg.body} /> : '(this message has no text)'}
          </pre>
        )}
        {tab === 'source' && <RawSource mailbox={p.mailbox} id={msg.id} />}
      </div>
    </article>
  );
}

function Tabs(p: { tab: Tab; setTab(t: Tab): void; hasHtml: boolean }) {
  const tabs: { id: Tab; label: string }[] = [
    ...(p.hasHtml ? [{ id: 'html' as Tab, label: 'HTML' }] : []),
    { id: 'text', label: 'Text' },
    { id: 'source', label: 'Source' },
  ];
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === p.tab);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    p.setTab(tabs[next].id);
    document.getElementById(`tab-${tabs[next].id}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label="Show the message as" onKeyDown={onKey}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          class="tab"
          aria-selected={p.tab === t.id}
          aria-controls={`panel-${t.id}`}
          tabIndex={p.tab === t.id ? 0 : -1}
          onClick={() => p.setTab(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

function HtmlBody(p: { mailbox: Mailbox; id: string; remote: boolean; onRemote(): void }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [zoom, setZoom] = useState(1);
  useEffect(() => {
    const f = frame.current;
    if (!f) return;
    const refit = () => {
      const fit = fitFrame(f);
      if (fit) setZoom(fit.zoom);
    };
    // The load event comes after the frame's images; a width change (rotation, resize) refits.
    f.addEventListener('load', refit);
    let width = f.clientWidth;
    const observer = new ResizeObserver(() => {
      if (f.clientWidth === width) return; // the height set by the fit itself
      width = f.clientWidth;
      refit();
    });
    observer.observe(f);
    refit();
    return () => {
      f.removeEventListener('load', refit);
      observer.disconnect();
    };
  }, [p.id, p.remote]);
  return (
    <>
      <div class={`remote-bar${p.remote ? ' is-on' : ''}`}>
        <ShieldIcon />
        {p.remote ? (
          <p>Remote content is loaded for this message. Senders can see that you opened it.</p>
        ) : (
          <>
            <p>Remote images and fonts are blocked so the sender cannot track you.</p>
            <button type="button" class="btn btn-small" onClick={p.onRemote} data-testid="load-remote">
              Load remote content
            </button>
          </>
        )}
      </div>
      {zoom < 1 && (
        <p class="frame-note" data-testid="frame-zoom">
          Shown at {Math.round(zoom * 100)}% to fit the screen.
        </p>
      )}
      <div class="frame-wrap">
        <iframe
          ref={frame}
          class="mail-frame"
          title="Message content"
          sandbox={MAIL_FRAME_SANDBOX}
          referrerpolicy="no-referrer"
          src={htmlUrl(p.mailbox, p.id, p.remote)}
          data-testid="mail-frame"
        />
      </div>
    </>
  );
}

function RawSource(p: { mailbox: Mailbox; id: string }) {
  const [raw, setRaw] = useState<{ text: string; cut: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    readRaw(p.mailbox, p.id, RAW_MAX_CHARS).then(
      (r) => live && setRaw(r),
      (err: unknown) => live && setError(err instanceof ApiError ? err.message : 'The source could not be loaded.'),
    );
    return () => {
      live = false;
    };
  }, [p.id]);
  return (
    <>
      <p class="source-links">
        <a class="btn btn-small" href={rawUrl(p.mailbox, p.id)} download={`${p.id}.eml`} data-testid="raw-link">
          <span class="btn-label">Download .eml</span>
        </a>
      </p>
      {error && <p class="is-error">{error}</p>}
      {raw ? (
        <pre class="body-text source" data-testid="raw-text" tabIndex={0} role="region" aria-label="Message source">
          {raw.text}
          {raw.cut ? '\n\n[… cut here: download the .eml for the rest]' : ''}
        </pre>
      ) : (
        !error && <div class="skeleton skeleton-body" aria-busy="true" />
      )}
    </>
  );
}

/** Plain text with its http(s) URLs as links that open in a new tab (never other schemes). */
function LinkedText({ text }: { text: string }) {
  return (
    <>
      {splitLinks(text).map((part, i) =>
        part.url ? (
          <a key={i} href={part.url} target="_blank" rel="noopener noreferrer nofollow" referrerpolicy="no-referrer">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  );
}

/** The page: header with connection state, the address card, the inbox and the reader. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { listDomains, type Mailbox, namesAllowed, type Summary } from '../api.ts';
import { LiveInbox, type LiveState } from '../live.ts';
import { loadDomain, loadSeen, loadTtl, saveDomain, saveSeen, saveTtl } from '../storage.ts';
import { useMailboxes } from '../use-mailboxes.ts';
import { AddressCard, TTL_CHOICES, WARN_BEFORE_MS } from './AddressCard.tsx';
import { alertNewMail, setFaviconBadge } from '../attention.ts';
import { AlertToggles } from './AlertToggles.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { InboxList } from './InboxList.tsx';
import { MessageView } from './MessageView.tsx';
import { MailIcon } from './icons.tsx';

const DEFAULT_TTL = 3600;

/** Merges rows by id (pushed rows may carry fields a listing lacks), newest first. */
function merge(prev: Summary[], incoming: Summary[]): Summary[] {
  const byId = new Map(prev.map((m) => [m.id, m]));
  for (const m of incoming) {
    const old = byId.get(m.id);
    byId.set(m.id, old ? { ...old, ...definedOnly(m) } : m);
  }
  return [...byId.values()].sort((a, b) => (Date.parse(b.date_received) || 0) - (Date.parse(a.date_received) || 0));
}

function definedOnly(m: Summary): Partial<Summary> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as Partial<Summary>;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** One polite live region for the whole page; repeated texts are announced again. */
function useAnnouncer(): [string, (text: string) => void] {
  const [text, setText] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const announce = useCallback((t: string) => {
    setText('');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setText(t), 80);
  }, []);
  return [text, announce];
}

const IDLE_LABELS = {
  none: { label: 'No address', title: 'No address is shown yet' },
  expired: { label: 'Expired', title: 'This address expired and receives no more mail' },
};

const LIVE_LABELS: Record<LiveState, { label: string; title: string }> = {
  connecting: { label: 'Connecting…', title: 'Opening the live connection' },
  connected: { label: 'Connected', title: 'New mail appears the moment it arrives' },
  reconnecting: { label: 'Reconnecting…', title: 'The live connection dropped; checking for mail every few seconds meanwhile' },
  polling: { label: 'Polling', title: 'No live connection; checking for new mail every few seconds' },
  interrupted: { label: 'Delayed', title: 'The server’s live feed is interrupted; checking for new mail every few seconds until it is back' },
};

export function App() {
  const [ttl, setTtl] = useState(() => {
    const t = loadTtl(DEFAULT_TTL);
    return TTL_CHOICES.some((c) => c.seconds === t) ? t : DEFAULT_TTL;
  });
  const [messages, setMessages] = useState<Summary[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [seen, setSeen] = useState<Set<string>>(() => new Set());
  const [fresh, setFresh] = useState<Set<string>>(() => new Set());
  const [live, setLive] = useState<LiveState>('connecting');
  const [confirming, setConfirming] = useState<Mailbox | null>(null);
  const [domains, setDomains] = useState<string[]>([]);
  const [domain, setDomain] = useState<string | null>(() => loadDomain());
  const [allowNames, setAllowNames] = useState(false);
  const [announcement, announce] = useAnnouncer();
  const now = useNow(1000);
  const boxes = useMailboxes({ now, announce });
  const mailbox = boxes.current;
  const expired = boxes.expired;
  const ttlRef = useRef(ttl);
  ttlRef.current = ttl;
  const loadedRef = useRef(false);
  const known = useRef<Set<string>>(new Set());

  useEffect(() => boxes.start(ttl), []);

  // Several receiving domains: a picker for new addresses (a stored choice the server dropped is forgotten).
  useEffect(() => {
    void listDomains().then((list) => {
      setDomains(list);
      const stored = loadDomain();
      if (stored && !list.includes(stored)) {
        saveDomain(null);
        setDomain(null);
      }
    });
  }, []);
  // Chosen names: the field shows only where the server takes them.
  useEffect(() => {
    void namesAllowed().then(setAllowNames);
  }, []);
  const onDomain = (d: string) => {
    const chosen = d === domains[0] ? null : d;
    saveDomain(chosen);
    setDomain(chosen);
  };

  // Another mailbox is shown: its own list, opened ids and selection.
  useEffect(() => {
    known.current = new Set();
    loadedRef.current = false;
    setMessages([]);
    setLoaded(false);
    setSelected(null);
    setSeen(mailbox ? loadSeen(mailbox.email) : new Set());
    setFresh(new Set());
  }, [mailbox?.email]);

  // Said once when the address enters its last minutes.
  const expiringSoon = mailbox !== null && !expired && Date.parse(mailbox.expires_at) - now < WARN_BEFORE_MS;
  useEffect(() => {
    if (expiringSoon) announce('This address expires in a few minutes. Add time to keep it.');
  }, [expiringSoon]);
  useEffect(() => {
    if (expired) announce('This address expired. Its mail stays on this page until you leave it.');
  }, [expired]);

  // Live updates for the current mailbox (none once it expired: the mail shown stays).
  useEffect(() => {
    if (!mailbox || expired) return;
    const inbox = new LiveInbox(mailbox, {
      onState: setLive,
      onList: (list) => {
        const added = list.filter((m) => !known.current.has(m.id));
        for (const m of list) known.current.add(m.id);
        setMessages((prev) => merge(prev, list));
        if (loadedRef.current && added.length > 0) {
          setFresh((f) => new Set([...f, ...added.map((m) => m.id)]));
          announce(added.length === 1 ? newMailText(added[0]) : `${added.length} new messages`);
          alertNewMail(added.length === 1 ? newMailText(added[0]) : `${added.length} new messages`, mailbox.email, added[0].id);
        }
        loadedRef.current = true;
        setLoaded(true);
      },
      onMessage: (m) => {
        const isNew = !known.current.has(m.id);
        known.current.add(m.id);
        setMessages((prev) => merge(prev, [m]));
        if (isNew) {
          setFresh((f) => new Set([...f, m.id]));
          announce(newMailText(m));
          alertNewMail(newMailText(m), mailbox.email, m.id);
        }
      },
      onGone: (reason) => boxes.gone(mailbox, reason, ttlRef.current),
    });
    inbox.start();
    return () => inbox.stop();
  }, [mailbox?.email, mailbox?.token, expired]);

  const unread = messages.filter((m) => !seen.has(m.id)).length;
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) TempMail` : 'TempMail — disposable email';
    setFaviconBadge(unread);
  }, [unread]);

  const open = (id: string) => {
    setSelected(id);
    if (!seen.has(id)) {
      const next = new Set(seen).add(id);
      setSeen(next);
      if (mailbox) saveSeen(mailbox.email, next);
    }
  };

  const back = () => {
    const id = selected;
    setSelected(null);
    setTimeout(() => {
      const row = id ? document.querySelector<HTMLElement>(`[data-row-open="${CSS.escape(id)}"]`) : null;
      (row ?? document.getElementById('inbox-heading'))?.focus();
    }, 0);
  };

  const onTtl = (seconds: number) => {
    setTtl(seconds);
    saveTtl(seconds);
  };

  /** After New address (random or named): the previous address still works and may be deleted. */
  const keptNotice = (previous: Mailbox | null) =>
    previous && !expired
      ? { text: `${previous.email} still works and is kept under Your addresses.`, offerDelete: previous }
      : null;

  const status = !mailbox ? IDLE_LABELS.none : expired ? IDLE_LABELS.expired : LIVE_LABELS[live];
  const state = !mailbox ? 'idle' : expired ? 'expired' : live;
  return (
    <>
      <a class="skip-link" href="#inbox-heading">
        Skip to inbox
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <p class="brand">
            <span class="brand-mark" aria-hidden="true">
              <MailIcon />
            </span>
            TempMail
          </p>
          <div class="topbar-end">
            <AlertToggles announce={announce} />
            <p class="conn" data-state={state} title={status.title} role="status" data-testid="conn">
              <span class="conn-dot" aria-hidden="true" />
              <span class="conn-label">{status.label}</span>
            </p>
          </div>
        </div>
      </header>
      <main class="container" id="main">
        <AddressCard
          mailbox={mailbox}
          expired={expired}
          addresses={boxes.addresses}
          now={now}
          ttl={ttl}
          busy={boxes.busy}
          error={boxes.error}
          notice={boxes.notice}
          blocked={boxes.blocked}
          onTtl={onTtl}
          domains={domains}
          domain={domain ?? domains[0] ?? ''}
          onDomain={onDomain}
          onNew={() => void boxes.create({ ttl, notice: keptNotice })}
          namesAllowed={allowNames}
          nameError={boxes.nameError}
          onNewNamed={(name) => void boxes.create({ ttl, name, notice: keptNotice })}
          onNameClosed={boxes.dropName}
          onExtend={() => void boxes.extend(ttl)}
          onDelete={setConfirming}
          onSwitch={boxes.switchTo}
          onRetryNow={boxes.retryNow}
          onStopTrying={() => void boxes.stopTrying()}
          announce={announce}
        />
        {confirming && (
          <ConfirmDialog
            title="Delete this address?"
            confirmLabel="Delete address and mail"
            onCancel={() => setConfirming(null)}
            onConfirm={() => {
              const mb = confirming;
              setConfirming(null);
              void boxes.remove(mb, ttl);
            }}
          >
            <p>
              <strong>{confirming.email}</strong> and all its mail are deleted for good. Mail sent to it afterwards is
              refused.
            </p>
          </ConfirmDialog>
        )}
        <div class={`layout${selected ? ' has-selection' : ''}`}>
          <section class="pane inbox-pane" aria-labelledby="inbox-heading">
            <div class="pane-head">
              <h2 id="inbox-heading" tabIndex={-1}>
                Inbox
              </h2>
              <span class="count">
                <span aria-hidden="true">{messages.length}</span>
                <span class="sr-only">{`${messages.length} messages, ${unread} unread`}</span>
              </span>
            </div>
            <InboxList
              hasMailbox={mailbox !== null}
              expired={expired}
              messages={messages}
              loaded={loaded}
              selectedId={selected}
              seen={seen}
              fresh={fresh}
              now={now}
              onOpen={open}
              announce={announce}
            />
          </section>
          <section class="pane viewer-pane" aria-label="Message">
            {selected && mailbox ? (
              <MessageView
                key={selected}
                mailbox={mailbox}
                id={selected}
                onBack={back}
                onGone={(id) => setMessages((prev) => prev.filter((m) => m.id !== id))}
                announce={announce}
              />
            ) : (
              <div class="placeholder">
                <MailIcon />
                <p>Select a message to read it.</p>
              </div>
            )}
          </section>
        </div>
      </main>
      <footer class="footer">
        <p>
          Addresses and their mail are deleted when they expire. HTML mail is shown without scripts or tracking.{' '}
          <a href="/docs/" data-testid="docs-link">
            API and documentation
          </a>
        </p>
      </footer>
      <div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {announcement}
      </div>
    </>
  );
}

function newMailText(m: Summary): string {
  return `New mail from ${m.sender_name?.trim() || m.sender || 'an unknown sender'}: ${m.subject || '(no subject)'}${m.otp ? `. Code ${m.otp}` : ''}`;
}

/**
 * Live fan-out between nodes. Notices carry ids only, never plaintext.
 * - New-message notices go from the node that accepted a message to the nodes holding
 *   WebSocket subscribers of that mailbox; the subscriber's node reads and decrypts.
 * - Mailbox-gone notices go from the node that deleted or swept a mailbox to every node
 *   (the publisher included), since any node may hold decrypted data of any mailbox.
 */
import type { MailboxGoneNotice, MessageNotice } from '../domain/types.js';

export type NoticeListener = (notice: MessageNotice) => void;
export type MailboxGoneListener = (notice: MailboxGoneNotice) => void;

/**
 * The link to the other nodes: 'interrupted' when notices published elsewhere may be missed
 * from now on (this node's own still arrive), 'resumed' once they flow again (what was
 * published meanwhile is lost: listeners catch up by reading the store).
 */
export type FeedState = 'interrupted' | 'resumed';
export type FeedStateListener = (state: FeedState, since: number) => void;

export interface EventBus {
  publish(notice: MessageNotice): Promise<void>;
  /** Listens for notices of one mailbox; returns the unsubscribe function. */
  subscribe(mailboxId: string, listener: NoticeListener): Promise<() => void>;
  /** Tells every node's mailbox-gone listeners, this node's included. */
  publishMailboxGone(notice: MailboxGoneNotice): Promise<void>;
  /**
   * Listens for mailbox-gone notices of every mailbox; resolves once notices published
   * afterwards will arrive, with the unsubscribe function.
   */
  subscribeMailboxGone(listener: MailboxGoneListener): Promise<() => void>;
  /**
   * Listens for interruptions of the link between nodes (absent: a bus without one never is);
   * `since` is when the interruption began (epoch ms). Returns the stop function.
   */
  onFeedState?(listener: FeedStateListener): () => void;
  /** False while notices from other nodes may be missed. */
  feedUp?(): boolean;
  /** Resolves when the shared backing service answers (absent: nothing to check). */
  ping?(): Promise<void>;
  close(): Promise<void>;
}

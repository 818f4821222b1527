/** SMTP replies as errors smtp-server understands (it reads `responseCode`). */
export class SmtpReply extends Error {
  constructor(readonly responseCode: number, message: string) {
    super(message);
    this.name = 'SmtpReply';
  }
}

export const REPLIES = {
  unknownMailbox: () => new SmtpReply(550, '5.1.1 No such mailbox here (unknown or expired)'),
  notOurDomain: () => new SmtpReply(550, '5.7.1 Relaying denied: we only accept mail for our own domains'),
  tooManyRecipients: () => new SmtpReply(452, '4.5.3 Too many recipients'),
  tooManyRejected: () => new SmtpReply(421, '4.7.0 Too many rejected recipients, closing connection'),
  tooLarge: (limit: number) => new SmtpReply(552, `5.3.4 Message exceeds the size limit of ${limit} bytes`),
  mailboxFull: () => new SmtpReply(552, '5.2.2 Mailbox full'),
  badAddress: () => new SmtpReply(553, '5.1.3 Address contains forbidden characters'),
  bareLf: () => new SmtpReply(550, '5.6.11 Message contains bare LF line endings; lines must end with CRLF'),
  tooManyConnections: () => new SmtpReply(421, '4.7.0 Too many connections from your address, try again later'),
  tooManyMessages: () => new SmtpReply(421, '4.7.0 Too many messages in this session, reconnect to send more'),
  sessionDeadline: () => new SmtpReply(421, '4.4.2 Session time limit reached, closing connection'),
  tooSlow: () => new SmtpReply(421, '4.4.2 Data rate too low, closing connection'),
  diskFull: () => new SmtpReply(452, '4.3.1 Insufficient system storage, try again later'),
  tempFailure: () => new SmtpReply(451, '4.3.0 Temporary failure storing the message, try again later'),
  tempLookupFailure: () => new SmtpReply(451, '4.3.0 Temporary failure checking the recipient, try again later'),
  shuttingDown: () => new SmtpReply(421, '4.3.2 Service shutting down, try again later'),
} as const;

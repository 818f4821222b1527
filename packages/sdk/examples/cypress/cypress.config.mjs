// Cypress configuration: the TempMail tasks run in Cypress's Node process (the API key stays
// there). With Cypress installed, wrap the object in `defineConfig` from 'cypress' for types.
import { tempmailTasks } from 'tempmail-sdk/cypress';

export default {
  // A task may take as long as its wait: keep this above the specs' wait timeouts.
  taskTimeout: 90_000,
  e2e: {
    baseUrl: `http://127.0.0.1:${process.env.APP_PORT ?? 3100}`,
    supportFile: false,
    setupNodeEvents(on) {
      // TEMPMAIL_URL and TEMPMAIL_KEY by default (no key: anonymous mailboxes).
      on('task', tempmailTasks({ ttl: 600 }));
    },
  },
};

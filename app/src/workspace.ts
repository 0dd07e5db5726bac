/**
 * The agent workspace, through the official SDK (@amazon-connect/app + @amazon-connect/contact):
 * the app registers with its host, finds the agent's current contact and follows the contact
 * events, so a transfer moves the controls to the new contact. Outside the workspace (opened on
 * its own) there is no host: the call panel stays empty and the other screens work.
 */
import { AmazonConnectApp } from '@amazon-connect/app';
import { ContactClient } from '@amazon-connect/contact';

export type WorkspaceEvent =
  | { readonly type: 'connected'; readonly contactId: string; readonly initialContactId?: string }
  | { readonly type: 'ended'; readonly contactId: string };

export function connectWorkspace(onEvent: (e: WorkspaceEvent) => void): void {
  if (window.parent === window) return; // not embedded: no workspace to talk to
  const { provider } = AmazonConnectApp.init({
    onCreate: async () => {
      const contacts = new ContactClient(provider);
      contacts.onConnected(async (c) =>
        onEvent({ type: 'connected', contactId: c.contactId, initialContactId: c.initialContactId }),
      );
      // The call is over for the agent at after-call work; a cleared contact is gone altogether.
      contacts.onStartingAcw(async (c) => onEvent({ type: 'ended', contactId: c.contactId }));
      contacts.onCleared(async (c) => onEvent({ type: 'ended', contactId: c.contactId }));
      // Opened during a call: the contact already connected is the current one.
      for (const c of await contacts.listContacts()) {
        onEvent({ type: 'connected', contactId: c.contactId, initialContactId: c.initialContactId });
      }
    },
  });
}

import { PRIVACY_EXPORTS, type PrivacyExportDoc } from '../model';
import { deleteMatching, type StoreHolder } from './holder';

/** The privacy domain's own: the person's data exports go, files and records. */
export const privacyHolders: StoreHolder[] = [
  {
    collection: PRIVACY_EXPORTS,
    domain: 'privacy',
    action: 'DELETE',
    filter: ({ hashes }) => ({
      $or: [
        ...(hashes.email ? [{ 'hashes.email': hashes.email }] : []),
        ...(hashes.phone ? [{ 'hashes.phone': hashes.phone }] : []),
      ],
    }),
    erase: async (context, filter) => {
      const exports = await context.db
        .collection<PrivacyExportDoc>(PRIVACY_EXPORTS)
        .find(filter as object)
        .toArray();
      for (const { key } of exports) if (key) await context.objects.delete(key);
      return deleteMatching(context, PRIVACY_EXPORTS, filter);
    },
  },
];

import type { WavePrepDoc } from '../model';

/** The prep's zip of emails.csv, masterCodes.csv and smsSELECTED.csv (the seed's S3 key). */
export const prepZipKey = (prep: Pick<WavePrepDoc, 'campaignId' | 'dateKey'>) =>
  `wavePrep/${prep.campaignId}/prepped/prepped.${prep.dateKey}.zip`;

/** masterCodes.csv beside the zip: every selected fan, what createWaveFromPrep reads. */
export const prepRecipientsKey = (prep: Pick<WavePrepDoc, 'campaignId' | 'dateKey'>) =>
  `wavePrep/${prep.campaignId}/prepped/${prep.dateKey}/masterCodes.csv`;

/** The market details the operator last uploaded for the campaign (venue, event date, presale time...). */
export const marketDetailsKey = (campaignId: string) => `wavePrep/${campaignId}/marketDetails.csv`;

/** A dateKey names files: letters, digits, - and _. */
export const DATE_KEY = /^[A-Za-z0-9_-]{1,40}$/;

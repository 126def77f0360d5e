import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../config';
import { LocalObjectStore } from './local/local';
import { S3ObjectStore } from './s3/s3';
import type { ObjectStore } from './port';

export * from './port';
export { LocalObjectStore } from './local/local';
export { S3ObjectStore } from './s3/s3';
export { signDownload, verifyDownload } from './downloadLinks';

/**
 * The objects engine chosen by OBJECTS_BACKEND: `local` keeps files in DATA_DIR/objects,
 * `s3` uses S3_BUCKET (credentials from the AWS SDK's default chain: role, profile or env).
 */
export function createObjectStore(config: Config): ObjectStore {
  if (config.OBJECTS_BACKEND === 'local') return new LocalObjectStore(join(config.DATA_DIR, 'objects'));
  if (!config.S3_BUCKET) throw new Error('OBJECTS_BACKEND=s3 needs S3_BUCKET');
  const client = new S3Client({
    region: config.AWS_REGION,
    endpoint: config.S3_ENDPOINT,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
  return new S3ObjectStore(client, config.S3_BUCKET);
}

/**
 * The rollback image of each version: the tag made for it (`<registry>/<prefix>/<service>:v<n>` or
 * `dokroll/<service>:v<n>`), whether it was pushed, the pushed digest, the last push error, where the
 * image was last seen and its size. Stored in the versions table (migration 2); never a credential.
 */
import {VERSION_COLUMNS, toVersionRow} from './row-schemas.js';
import type {StoreDb} from './store-db.js';
import type {RollbackImagesRepo, RollbackImageUpdate, VersionRow} from './types.js';

const SELECT = `SELECT ${VERSION_COLUMNS} FROM versions`;
const MAX_ERROR_LENGTH = 500;

export class LibsqlRollbackImagesRepo implements RollbackImagesRepo {
  constructor(private readonly db: StoreDb) {}

  async set(id: number, update: RollbackImageUpdate): Promise<boolean> {
    const error = update.error ? update.error.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_LENGTH) : null;
    const rs = await this.db.write((client) =>
      client.execute({
        sql: `UPDATE versions SET push_state = ?, image_location = ?, push_ref = COALESCE(?, push_ref),
          push_digest = ?, push_error = ?, push_attempted_at = ?, image_size = COALESCE(?, image_size)
          WHERE id = ?`,
        args: [
          update.pushState,
          update.location,
          update.ref ?? null,
          update.digest ?? null,
          error,
          new Date().toISOString(),
          update.size ?? null,
          id,
        ],
      }),
    );
    return rs.rowsAffected > 0;
  }

  async pending(opts: {serviceName?: string; limit?: number} = {}): Promise<VersionRow[]> {
    const where = ["push_state IN ('none', 'push_failed')"];
    const args: (string | number)[] = [];
    if (opts.serviceName !== undefined) {
      where.push('service_name = ?');
      args.push(opts.serviceName);
    }
    args.push(opts.limit ?? -1);
    const rs = await this.db.reader.execute({
      sql: `${SELECT} WHERE ${where.join(' AND ')} ORDER BY service_name, number LIMIT ?`,
      args,
    });
    return rs.rows.map(toVersionRow);
  }

  async sharingDigest(digest: string, exceptId: number): Promise<VersionRow[]> {
    const rs = await this.db.reader.execute({
      sql: `${SELECT} WHERE push_digest = ? AND id != ? ORDER BY service_name, number`,
      args: [digest, exceptId],
    });
    return rs.rows.map(toVersionRow);
  }
}

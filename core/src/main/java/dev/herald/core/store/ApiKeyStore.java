package dev.herald.core.store;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * API keys as stored: only the SHA-256 of the bearer value, the tenant and the scopes. A key is
 * identified by the Secret that provisions it ({@code <namespace>/<name>}).
 */
public final class ApiKeyStore {
  private final Jdbi jdbi;

  public ApiKeyStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Records the key's current hash and scopes; a rotated key replaces the old hash. */
  public void upsert(String keyId, String tenant, byte[] hash, List<String> scopes) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
            insert into api_keys (tenant, key_id, key_hash, scopes) values (:tenant, :keyId, :hash, :scopes)
            on conflict (key_id) do update set tenant = excluded.tenant, key_hash = excluded.key_hash,
              scopes = excluded.scopes, revoked_at = null""")
                .bind("tenant", tenant)
                .bind("keyId", keyId)
                .bind("hash", hash)
                .bindArray("scopes", String.class, scopes)
                .execute());
  }

  /** Marks the key revoked (its Secret is gone or no longer labelled). */
  public void revoke(String keyId) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "update api_keys set revoked_at = now() where key_id = :keyId and revoked_at is null")
                .bind("keyId", keyId)
                .execute());
  }
}

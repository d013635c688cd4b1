//! Accounts, sessions and failed sign-ins.

use std::time::Duration;

use sqlx::SqlitePool;

use crate::domain::{Email, Role};

/// An account as the rest of the application sees it (never with its password hash).
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
}

pub async fn count(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM users"#)
        .fetch_one(pool)
        .await
}

/// Every account, by name.
pub async fn list(pool: &SqlitePool) -> Result<Vec<User>, sqlx::Error> {
    sqlx::query_as!(
        User,
        r#"SELECT id, email AS "email: Email", name, role AS "role: Role", disabled AS "disabled: bool"
           FROM users ORDER BY name COLLATE NOCASE, email"#
    )
    .fetch_all(pool)
    .await
}

/// The account with this id, enabled or not.
pub async fn find(pool: &SqlitePool, id: i64) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as!(
        User,
        r#"SELECT id, email AS "email: Email", name, role AS "role: Role", disabled AS "disabled: bool"
           FROM users WHERE id = ?1"#,
        id
    )
    .fetch_optional(pool)
    .await
}

/// The stored password hash of an enabled account, by email.
pub async fn password_hash(
    pool: &SqlitePool,
    email: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, password_hash FROM users WHERE email = ?1 AND disabled = 0",
        email
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.id, r.password_hash)))
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates an account and records it in the audit log, in one transaction.
pub async fn create(
    pool: &SqlitePool,
    email: &str,
    name: &str,
    role: Role,
    password_hash: &str,
    actor: &str,
) -> Result<i64, CreateError> {
    let mut tx = crate::db::begin_write(pool).await?;
    let role_text = role.as_str();
    let inserted = sqlx::query_scalar!(
        "INSERT INTO users (email, name, role, password_hash) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        email,
        name,
        role_text,
        password_hash
    )
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(CreateError::EmailTaken);
        }
        Err(e) => return Err(e.into()),
    };
    let after =
        serde_json::json!({ "email": email, "name": name, "role": role_text, "disabled": false });
    audit(&mut tx, actor, email, "create", None, Some(after)).await?;
    tx.commit().await?;
    Ok(id)
}

async fn audit(
    tx: &mut sqlx::SqliteConnection,
    actor: &str,
    email: &str,
    action: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), sqlx::Error> {
    let before = before.map(|v| v.to_string());
    let after = after.map(|v| v.to_string());
    let entry = crate::db::knowledge::AuditEntry {
        actor,
        entity: "user",
        entity_slug: email,
        action,
        before: before.as_deref(),
        after: after.as_deref(),
        ..Default::default()
    };
    crate::db::knowledge::append_audit(tx, &entry).await
}

async fn id_by_email(
    conn: &mut sqlx::SqliteConnection,
    email: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM users WHERE email = ?1", email)
        .fetch_optional(conn)
        .await
}

/// Signs the account out everywhere.
async fn end_sessions(conn: &mut sqlx::SqliteConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE user_id = ?1", user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// One change an admin (or the command line) makes to an account.
#[derive(Debug, Clone, Copy)]
pub enum AccountChange<'a> {
    Role(Role),
    /// Disabling ends the account's sessions at once.
    Disabled(bool),
    /// A new password hash; the account's sessions end.
    Password(&'a str),
}

/// Applies `change` to the account `email` with its audit revision, in one transaction;
/// `false` when there is no such account.
pub async fn change_account(
    pool: &SqlitePool,
    email: &str,
    change: AccountChange<'_>,
    actor: &str,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    let Some(id) = id_by_email(&mut tx, email).await? else {
        return Ok(false);
    };
    let (before, after, ends_sessions) = match change {
        AccountChange::Role(role) => {
            let before = sqlx::query_scalar!("SELECT role FROM users WHERE id = ?1", id)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query!("UPDATE users SET role = ?2 WHERE id = ?1", id, role)
                .execute(&mut *tx)
                .await?;
            let after = serde_json::json!({ "role": role.as_str() });
            (Some(serde_json::json!({ "role": before })), after, false)
        }
        AccountChange::Disabled(disabled) => {
            sqlx::query!("UPDATE users SET disabled = ?2 WHERE id = ?1", id, disabled)
                .execute(&mut *tx)
                .await?;
            let after = serde_json::json!({ "disabled": disabled });
            (
                Some(serde_json::json!({ "disabled": !disabled })),
                after,
                disabled,
            )
        }
        AccountChange::Password(hash) => {
            sqlx::query!(
                "UPDATE users SET password_hash = ?2 WHERE id = ?1",
                id,
                hash
            )
            .execute(&mut *tx)
            .await?;
            // The audit records that the password changed, never the hash.
            (None, serde_json::json!({ "password": "changed" }), true)
        }
    };
    sqlx::query!(
        "UPDATE users SET version = version + 1,
                updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?1",
        id
    )
    .execute(&mut *tx)
    .await?;
    if ends_sessions {
        end_sessions(&mut tx, id).await?;
    }
    audit(&mut tx, actor, email, "update", before, Some(after)).await?;
    tx.commit().await?;
    Ok(true)
}

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: User,
    pub csrf_token: String,
}

pub async fn create_session(
    pool: &SqlitePool,
    token_hash: &str,
    user_id: i64,
    csrf_token: &str,
    idle_seconds: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = crate::db::begin_write(pool).await?;
    // Sessions nobody came back to are cleared here, at sign-in, not on every request.
    delete_expired_sessions(&mut tx, idle_seconds).await?;
    sqlx::query!(
        "INSERT INTO sessions (token_hash, user_id, csrf_token) VALUES (?1, ?2, ?3)",
        token_hash,
        user_id,
        csrf_token
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

async fn delete_expired_sessions(
    conn: &mut sqlx::SqliteConnection,
    idle_seconds: i64,
) -> Result<(), sqlx::Error> {
    let cutoff = format!("-{idle_seconds} seconds");
    let lifetime = format!("-{SESSION_LIFETIME_SECONDS} seconds");
    sqlx::query!(
        "DELETE FROM sessions WHERE last_seen_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?1)
                                 OR created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?2)",
        cutoff,
        lifetime
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// However busy, a session ends this long after sign-in: a stolen cookie is not good forever.
pub const SESSION_LIFETIME_SECONDS: i64 = 7 * 24 * 60 * 60;

/// A session's last use is written at most this often, so reading pages while signed in
/// does not turn every request into a write; idle expiry is therefore exact to this margin.
const SESSION_TOUCH_SECONDS: i64 = 60;

/// The session's user, when the session exists, was used within `idle_seconds` and its
/// account is enabled, with how long the session has left to live whatever its use; marks
/// it as used now. An expired session is removed.
pub async fn touch_session(
    pool: &SqlitePool,
    token_hash: &str,
    idle_seconds: i64,
) -> Result<Option<(SessionUser, Duration)>, sqlx::Error> {
    let idle = format!("-{idle_seconds} seconds");
    let touch = format!("-{SESSION_TOUCH_SECONDS} seconds");
    let lifetime = format!("-{SESSION_LIFETIME_SECONDS} seconds");
    // The session and its user in one query: this runs on every signed-in request.
    let row = sqlx::query!(
        r#"SELECT s.csrf_token AS "csrf_token!",
                  (s.last_seen_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?2)
                   OR s.created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?4)) AS "expired!: bool",
                  s.last_seen_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?3) AS "stale!: bool",
                  CAST(strftime('%s', s.created_at) AS INTEGER) + ?5
                      - CAST(strftime('%s', 'now') AS INTEGER) AS "lifetime_left!: i64",
                  u.id, u.email AS "email: Email", u.name, u.role AS "role: Role",
                  u.disabled AS "disabled: bool"
           FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.token_hash = ?1"#,
        token_hash,
        idle,
        touch,
        lifetime,
        SESSION_LIFETIME_SECONDS
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if row.expired || row.stale {
        let mut tx = crate::db::begin_write(pool).await?;
        if row.expired {
            delete_expired_sessions(&mut tx, idle_seconds).await?;
        } else {
            sqlx::query!(
                "UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                 WHERE token_hash = ?1",
                token_hash
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        if row.expired {
            return Ok(None);
        }
    }
    let user = User {
        id: row.id,
        email: row.email,
        name: row.name,
        role: row.role,
        disabled: row.disabled,
    };
    let lifetime_left = Duration::from_secs(row.lifetime_left.max(0).unsigned_abs());
    let session = SessionUser {
        user,
        csrf_token: row.csrf_token,
    };
    Ok((!session.user.disabled).then_some((session, lifetime_left)))
}

pub async fn delete_session(pool: &SqlitePool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE token_hash = ?1", token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Reads the failed sign-ins of the last `window_seconds` under each key and, when `decide`
/// says the attempt goes ahead, counts it as a failure under every key — all in one write
/// transaction, so parallel attempts see each other's counts. Returns the decision and the
/// ids of the rows written ([`forget_attempt`] takes them back). Failures older than a day
/// are forgotten on the way.
pub async fn count_attempt<D>(
    pool: &SqlitePool,
    keys: [&str; 3],
    window_seconds: i64,
    decide: impl FnOnce([i64; 3]) -> (D, bool),
) -> Result<(D, Vec<i64>), sqlx::Error> {
    let cutoff = format!("-{window_seconds} seconds");
    let mut tx = crate::db::begin_write(pool).await?;
    sqlx::query!(
        "DELETE FROM login_failures WHERE at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day')"
    )
    .execute(&mut *tx)
    .await?;
    let [account, pair, address] = keys;
    let counts = sqlx::query!(
        r#"SELECT COALESCE(SUM(key = ?1), 0) AS "account!: i64",
                  COALESCE(SUM(key = ?2), 0) AS "pair!: i64",
                  COALESCE(SUM(key = ?3), 0) AS "address!: i64"
           FROM login_failures
           WHERE key IN (?1, ?2, ?3) AND at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?4)"#,
        account,
        pair,
        address,
        cutoff
    )
    .fetch_one(&mut *tx)
    .await?;
    let (decision, counted) = decide([counts.account, counts.pair, counts.address]);
    let ids = if counted {
        sqlx::query_scalar!(
            r#"INSERT INTO login_failures (key) VALUES (?1), (?2), (?3) RETURNING id AS "id!: i64""#,
            account,
            pair,
            address
        )
        .fetch_all(&mut *tx)
        .await?
    } else {
        Vec::new()
    };
    tx.commit().await?;
    Ok((decision, ids))
}

/// Takes back an attempt counted by [`count_attempt`] (its password was right, or it was
/// never checked) and, when given, every failure under `forgiven` as well.
pub async fn forget_attempt(
    pool: &SqlitePool,
    ids: &[i64],
    forgiven: Option<&str>,
) -> Result<(), sqlx::Error> {
    let ids = serde_json::to_string(ids).expect("numbers serialise");
    sqlx::query!(
        "DELETE FROM login_failures WHERE id IN (SELECT value FROM json_each(?1)) OR key = ?2",
        ids,
        forgiven
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Stores `value` under `key` unless one is already there; returns the stored value, so
/// two processes starting at once agree.
pub async fn setting_or_insert(
    pool: &SqlitePool,
    key: &str,
    value: &str,
) -> Result<String, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
        key,
        value
    )
    .execute(pool)
    .await?;
    sqlx::query_scalar!(
        r#"SELECT value AS "value!" FROM settings WHERE key = ?1"#,
        key
    )
    .fetch_one(pool)
    .await
}

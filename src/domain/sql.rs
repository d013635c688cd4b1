//! How the parsed types are stored: as the text (or number) they parse from. Reading one back
//! parses it again, so a stored value that is not valid fails the query with a decode error
//! instead of turning into some default: every write goes through the parser and most columns
//! have a CHECK besides, so such a value means the database was edited by hand, and the
//! operator should hear about it.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{Sqlite, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Database, Decode, Encode, Type};

use super::{
    DealResult, Email, FlagReason, FlagStatus, FlagSubjectKind, Kind, RequirementGroup, Ring, Role,
    Score, Slug,
};

type ArgumentBuffer = <Sqlite as Database>::ArgumentBuffer;

/// Stores each text-backed type through `as_str` and reads it back through `parse`. A macro
/// rather than a generic impl because sqlx's traits are foreign: they can only be implemented
/// for each local type by name.
macro_rules! stored_as_text {
    ($($name:ty),+ $(,)?) => {$(
        impl Type<Sqlite> for $name {
            fn type_info() -> SqliteTypeInfo {
                <str as Type<Sqlite>>::type_info()
            }

            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <str as Type<Sqlite>>::compatible(ty)
            }
        }

        impl Encode<'_, Sqlite> for $name {
            fn encode_by_ref(&self, buf: &mut ArgumentBuffer) -> Result<IsNull, BoxDynError> {
                self.as_str().encode(buf)
            }
        }

        impl<'r> Decode<'r, Sqlite> for $name {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(Self::parse(<&str>::decode(value)?)?)
            }
        }
    )+};
}

stored_as_text!(
    Slug,
    Email,
    Ring,
    Kind,
    RequirementGroup,
    Role,
    DealResult,
    FlagSubjectKind,
    FlagReason,
    FlagStatus,
);

impl Type<Sqlite> for Score {
    fn type_info() -> SqliteTypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for Score {
    fn encode_by_ref(&self, buf: &mut ArgumentBuffer) -> Result<IsNull, BoxDynError> {
        i64::from(self.value()).encode(buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Score {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Self::new(i64::decode(value)?)?)
    }
}

/// A list of texts stored as a JSON array (migration 0004): the addresses a rating cites, the
/// levels of a rubric.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextList(pub Vec<String>);

impl Type<Sqlite> for TextList {
    fn type_info() -> SqliteTypeInfo {
        <str as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <str as Type<Sqlite>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Sqlite> for TextList {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Self(serde_json::from_str(<&str>::decode(value)?)?))
    }
}

impl TextList {
    /// `texts` as the column stores them, to bind in a write.
    pub fn json(texts: &[String]) -> String {
        serde_json::to_string(texts).expect("texts serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::SqlitePool;

    async fn pool() -> SqlitePool {
        SqlitePool::connect("sqlite::memory:").await.unwrap()
    }

    /// Reads `stored`, a value as the database might hold it, back as a `T`.
    async fn read<T, V>(pool: &SqlitePool, stored: V) -> Result<T, sqlx::Error>
    where
        T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + Send + Unpin,
        V: for<'q> Encode<'q, Sqlite> + Type<Sqlite> + Send,
    {
        sqlx::query_scalar("SELECT ?1")
            .bind(stored)
            .fetch_one(pool)
            .await
    }

    /// Stores `value` and reads it back as its own type.
    async fn round_trip<T>(pool: &SqlitePool, value: T) -> T
    where
        T: for<'q> Encode<'q, Sqlite> + for<'r> Decode<'r, Sqlite> + Type<Sqlite> + Send + Unpin,
    {
        read(pool, value).await.unwrap()
    }

    #[tokio::test]
    async fn every_parsed_type_comes_back_from_the_database_as_it_went_in() {
        let pool = pool().await;
        let slug = Slug::parse("ruby-on-rails").unwrap();
        assert_eq!(round_trip(&pool, slug.clone()).await, slug);
        let email = Email::parse("ada@example.com").unwrap();
        assert_eq!(round_trip(&pool, email.clone()).await, email);
        for ring in Ring::ALL {
            assert_eq!(round_trip(&pool, *ring).await, *ring);
        }
        for kind in Kind::ALL {
            assert_eq!(round_trip(&pool, *kind).await, *kind);
        }
        for group in RequirementGroup::ALL {
            assert_eq!(round_trip(&pool, *group).await, *group);
        }
        for role in Role::ALL {
            assert_eq!(round_trip(&pool, *role).await, *role);
        }
        for v in 0..=5 {
            let score = Score::new(v).unwrap();
            assert_eq!(round_trip(&pool, score).await, score);
        }
    }

    #[tokio::test]
    async fn values_are_stored_as_the_text_and_numbers_the_schema_checks() {
        let pool = pool().await;
        let stored: (String, String, i64) = sqlx::query_as("SELECT ?1, ?2, ?3")
            .bind(Kind::FullStack)
            .bind(Slug::parse("dotnet-core").unwrap())
            .bind(Score::new(4).unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(stored, ("full-stack".into(), "dotnet-core".into(), 4));
    }

    #[tokio::test]
    async fn a_stored_value_that_does_not_parse_is_a_decode_error_not_a_default() {
        let pool = pool().await;
        let refused = |result: Result<(), sqlx::Error>| {
            matches!(result, Err(sqlx::Error::ColumnDecode { .. }))
        };
        assert!(refused(read::<Ring, _>(&pool, "maybe").await.map(drop)));
        assert!(refused(
            read::<Kind, _>(&pool, "Full-Stack").await.map(drop)
        ));
        assert!(refused(
            read::<RequirementGroup, _>(&pool, "").await.map(drop)
        ));
        assert!(refused(read::<Role, _>(&pool, "root").await.map(drop)));
        assert!(refused(
            read::<Slug, _>(&pool, "Not A Slug").await.map(drop)
        ));
        assert!(refused(read::<Email, _>(&pool, "nobody").await.map(drop)));
        assert!(refused(read::<Score, _>(&pool, 6_i64).await.map(drop)));
        assert!(refused(read::<Score, _>(&pool, -1_i64).await.map(drop)));
    }
}

//! A response body prepared once and served many times: kept as is and, from the first
//! client that accepts it, gzip-compressed too (when that pays), with a strong entity tag per
//! encoding, so a browser that already has it gets a bodiless 304 and one that has not gets
//! the smaller encoding it accepts.

use std::io::Write;
use std::sync::OnceLock;

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, AcceptEncoding, CacheControl, CacheDirective, ETag, Encoding, EntityTag, Header,
    IfNoneMatch, Preference, Quality,
};
use actix_web::web::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;

/// Bodies smaller than this go out as they are: the gzip header and a compressor's time would
/// cost more than the bytes saved.
const COMPRESS_FROM_BYTES: usize = 1024;

/// One body in every encoding it is served in.
#[derive(Debug)]
pub struct Representation {
    status: StatusCode,
    content_type: &'static str,
    identity: Bytes,
    identity_tag: EntityTag,
    /// Made when a client first accepts gzip (a question asked once by a client without gzip
    /// never pays for compressing it); `None` inside when compressing does not pay.
    gzip: OnceLock<Option<(Bytes, EntityTag)>>,
}

impl Representation {
    /// Prepares `body`, tagged by its content.
    pub fn new(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        let identity: Bytes = body.into();
        // 128 bits: two different bodies of one address never share a tag in practice.
        let fingerprint = xxhash_rust::xxh3::xxh3_128(&identity);
        Self {
            status,
            content_type,
            identity,
            identity_tag: EntityTag::new_strong(format!("{fingerprint:032x}")),
            gzip: OnceLock::new(),
        }
    }

    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// The most memory this representation may come to hold, for cache budgets: the body and
    /// its compressed form, which is kept only when smaller. (A fixed figure, so that a cache
    /// counts the same bytes in as out whenever the compressed form is made.)
    pub fn size(&self) -> usize {
        2 * self.identity.len()
    }

    /// The body gzip-compressed with its tag, made on first use; `None` when it is too small
    /// to be worth it or does not shrink.
    fn gzip(&self) -> Option<&(Bytes, EntityTag)> {
        self.gzip
            .get_or_init(|| {
                (self.identity.len() >= COMPRESS_FROM_BYTES)
                    .then(|| gzip(&self.identity))
                    .filter(|compressed| compressed.len() < self.identity.len())
                    .map(|compressed| {
                        let tag = format!("{}-gzip", self.identity_tag.tag());
                        (Bytes::from(compressed), EntityTag::new_strong(tag))
                    })
            })
            .as_ref()
    }

    /// The response for this request: 304 when the client's copy is current, otherwise the
    /// body in the best encoding the client accepts.
    pub fn respond(&self, request: &HttpRequest, cache: CacheControl) -> HttpResponse {
        let compressed = accepts_gzip(request).then(|| self.gzip()).flatten();
        let (body, tag, encoded) = match compressed {
            Some((body, tag)) => (body, tag, true),
            None => (&self.identity, &self.identity_tag, false),
        };
        let unchanged = self.status == StatusCode::OK && is_current(request, tag);
        let mut response = if unchanged {
            HttpResponse::NotModified()
        } else {
            HttpResponse::build(self.status)
        };
        response
            .insert_header(ETag(tag.clone()))
            .insert_header(cache)
            .insert_header((header::VARY, "Accept-Encoding"));
        if unchanged {
            return response.finish();
        }
        // Prepared bytes go out as prepared: gzip, or as they are (too small to be worth it,
        // or a client without gzip). `identity` tells the `Compress` middleware to leave
        // them, and [`drop_identity_encoding`] takes that word off again before sending.
        let encoding = if encoded { "gzip" } else { "identity" };
        response.insert_header((header::CONTENT_ENCODING, encoding));
        response.content_type(self.content_type).body(body.clone())
    }
}

/// The cache policy of answers that change with the knowledge: browsers may keep one but must
/// ask again before using it; the entity tag makes asking cheap (a bodiless 304 while the
/// knowledge is unchanged).
pub fn revalidate() -> CacheControl {
    CacheControl(vec![CacheDirective::Private, CacheDirective::NoCache])
}

/// Removes `Content-Encoding: identity` (which only kept `Compress` away from prepared
/// answers) so clients see no encoding header on bytes that have none.
pub async fn drop_identity_encoding(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v == "identity")
    {
        headers.remove(header::CONTENT_ENCODING);
    }
    Ok(response)
}

fn gzip(body: &[u8]) -> Vec<u8> {
    // The fastest level: a quarter of the default's time for a few percent more bytes, which
    // matters when an answer is compressed as it is first asked for.
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 4), Compression::fast());
    // Writing to a Vec cannot fail.
    encoder
        .write_all(body)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

/// Whether `Accept-Encoding` allows gzip: named or `*`, with any quality but `q=0`. (A
/// header that does not parse allows nothing, so the body goes out as it is.)
fn accepts_gzip(request: &HttpRequest) -> bool {
    let Ok(AcceptEncoding(codings)) = AcceptEncoding::parse(request) else {
        return false;
    };
    codings.iter().any(|coding| {
        let gzip_or_any = match &coding.item {
            Preference::Any => true,
            Preference::Specific(encoding) => *encoding == Encoding::gzip(),
        };
        gzip_or_any && coding.quality > Quality::ZERO
    })
}

/// Whether `If-None-Match` is `*` or names this tag (weakly, as RFC 9110 asks for GET).
pub fn is_current(request: &HttpRequest, tag: &EntityTag) -> bool {
    match IfNoneMatch::parse(request) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(tag)),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn page() -> Representation {
        Representation::new(StatusCode::OK, "text/html", "<p>stackatlas</p>".repeat(200))
    }

    #[test]
    fn gzip_is_chosen_only_when_the_client_accepts_it() {
        for (header_value, expected) in [
            ("gzip, deflate, br", true),
            ("br;q=1.0, gzip;q=0.5", true),
            ("GZIP", true),
            ("*", true),
            ("gzip;q=0.001", true),
            ("identity;q=0, *;q=0.5", true),
            ("gzip;q=0", false),
            ("gzip; q=0.000", false),
            ("*;q=0", false),
            ("deflate, br", false),
            ("", false),
        ] {
            let request = TestRequest::default()
                .insert_header((header::ACCEPT_ENCODING, header_value))
                .to_http_request();
            assert_eq!(accepts_gzip(&request), expected, "{header_value}");
        }
    }

    #[test]
    fn gzip_accepted_on_any_of_several_accept_encoding_lines_is_accepted() {
        let request = TestRequest::default()
            .append_header((header::ACCEPT_ENCODING, "br"))
            .append_header((header::ACCEPT_ENCODING, "gzip;q=0.8"))
            .to_http_request();
        assert!(accepts_gzip(&request));
        assert!(!accepts_gzip(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn a_star_accepts_gzip_even_beside_a_refused_gzip() {
        // As before typed headers: the star is read as consent, whatever else is refused.
        let request = TestRequest::default()
            .insert_header((header::ACCEPT_ENCODING, "gzip;q=0, *;q=0.5"))
            .to_http_request();
        assert!(accepts_gzip(&request));
    }

    #[test]
    fn a_matching_tag_in_any_form_means_the_copy_is_current() {
        let tag = EntityTag::new_strong("abc".into());
        for (header_value, expected) in [
            ("\"abc\"", true),
            ("W/\"abc\"", true),
            ("\"x\", \"abc\"", true),
            ("*", true),
            (" * ", true),
            ("\"abd\"", false),
            ("W/\"abd\"", false),
            ("abc", false),
            ("", false),
        ] {
            let request = TestRequest::default()
                .insert_header((header::IF_NONE_MATCH, header_value))
                .to_http_request();
            assert_eq!(is_current(&request, &tag), expected, "{header_value}");
        }
        assert!(!is_current(&TestRequest::default().to_http_request(), &tag));
    }

    #[test]
    fn a_tag_on_any_of_several_if_none_match_lines_is_found() {
        let tag = EntityTag::new_strong("abc".into());
        let request = TestRequest::default()
            .append_header((header::IF_NONE_MATCH, "\"x\""))
            .append_header((header::IF_NONE_MATCH, "W/\"abc\""))
            .to_http_request();
        assert!(is_current(&request, &tag));
    }

    #[test]
    fn a_star_mixed_with_tags_is_no_star_so_the_body_is_sent() {
        // `*` stands alone (RFC 9110: "*" / 1#entity-tag); in a list it is not a tag and is
        // passed over, and answering in full is always safe.
        let tag = EntityTag::new_strong("abc".into());
        let request = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "\"x\", *"))
            .to_http_request();
        assert!(!is_current(&request, &tag));
    }

    #[test]
    fn each_encoding_has_its_own_tag_and_small_bodies_are_not_compressed() {
        let large = page();
        let (compressed, tag) = large.gzip().unwrap();
        assert!(compressed.len() < large.identity.len() / 4);
        assert_ne!(tag, &large.identity_tag);
        let small = Representation::new(StatusCode::OK, "text/html", "<p>hi</p>");
        assert!(small.gzip().is_none());
    }

    #[test]
    fn the_body_is_compressed_only_once_a_client_accepts_gzip() {
        let large = page();
        let plain = TestRequest::default().to_http_request();
        large.respond(&plain, revalidate());
        assert!(large.gzip.get().is_none(), "nobody asked for gzip yet");
        let browser = TestRequest::default()
            .insert_header((header::ACCEPT_ENCODING, "gzip"))
            .to_http_request();
        let answer = large.respond(&browser, revalidate());
        assert_eq!(
            answer.headers().get(header::CONTENT_ENCODING).unwrap(),
            "gzip"
        );
        assert!(large.gzip.get().is_some_and(Option::is_some));
    }

    #[test]
    fn the_same_body_always_gets_the_same_tag() {
        assert_eq!(page().identity_tag, page().identity_tag);
        let other = Representation::new(StatusCode::OK, "text/html", "<p>other</p>".repeat(200));
        assert_ne!(other.identity_tag, page().identity_tag);
    }
}

//! Who is asking: the client's address, scheme and host, believing the forwarding headers
//! (`Forwarded`, `X-Forwarded-For`, `X-Forwarded-Host`, `X-Forwarded-Proto`) only when the
//! TCP peer is one of the operator's trusted proxies (`STACKATLAS_TRUSTED_PROXIES`).
//!
//! Anyone can send those headers; believing them from everyone would let a stranger pick the
//! address their failed sign-ins are counted against, or the host written into share links.

use std::net::IpAddr;
use std::str::FromStr;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

/// The proxies whose forwarding headers are believed: addresses or CIDR ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses (`10.0.0.1`, `::1`) and CIDR ranges
    /// (`10.0.0.0/8`); blank means none. The error names the entry that is neither.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                IpNet::from_str(entry)
                    .or_else(|_| IpAddr::from_str(entry).map(IpNet::from))
                    .map_err(|_| {
                        format!("\"{entry}\" is neither an IP address nor a CIDR range such as 10.0.0.0/8")
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An IPv4 client reached over an IPv6 socket (`::ffff:a.b.c.d`) is the IPv4 client.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// How requests are read: which proxies are believed, and the public address links use.
#[derive(Debug, Clone, Default)]
pub struct Network {
    pub trusted: TrustedProxies,
    /// `STACKATLAS_PUBLIC_URL` without a trailing slash: links the app writes start with it.
    pub public_url: Option<String>,
}

impl Network {
    /// The client's address under the trust rules.
    pub fn client_address(&self, request: &HttpRequest) -> Option<IpAddr> {
        origin(request, &self.trusted).address
    }

    /// Where links the app writes (share links) start: the configured public address, or
    /// the scheme and host this request came to (forwarded ones only from a trusted proxy).
    pub fn base_url(&self, request: &HttpRequest) -> String {
        match &self.public_url {
            Some(url) => url.clone(),
            None => {
                let origin = origin(request, &self.trusted);
                format!("{}://{}", origin.scheme, origin.host)
            }
        }
    }
}

/// Checks `STACKATLAS_PUBLIC_URL`: an http or https address with a host, no query or
/// fragment; returned without its trailing slash.
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    let problem = || {
        format!(
            "must be an http or https address such as https://atlas.example.com, got \"{text}\""
        )
    };
    let uri: actix_web::http::Uri = text.parse().map_err(|_| problem())?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let host_ok = uri.host().is_some_and(is_host);
    if !scheme_ok || !host_ok || uri.query().is_some() || text.contains('#') {
        return Err(problem());
    }
    Ok(text.trim_end_matches('/').to_owned())
}

/// What the request says about its origin, once the trust rules are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The client's address: the peer, or the nearest untrusted hop a trusted proxy reports.
    pub address: Option<IpAddr>,
    /// `http` or `https`.
    pub scheme: String,
    /// The host the client asked for.
    pub host: String,
}

/// The request's origin under `trusted`.
pub fn origin(request: &HttpRequest, trusted: &TrustedProxies) -> Origin {
    let peer = request.peer_addr().map(|a| canonical(a.ip()));
    let head = request.head();
    let direct_host = head
        .headers
        .get(actix_web::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| head.uri.authority().map(|a| a.to_string()))
        .filter(|h| is_host(h))
        .unwrap_or_else(|| "localhost".to_owned());
    let direct_scheme = head.uri.scheme_str().unwrap_or("http").to_owned();
    match peer {
        Some(peer) if trusted.contains(peer) => {
            let forwarded = Forwarded::read(&head.headers);
            Origin {
                address: Some(client_address(peer, &forwarded.chain, trusted)),
                scheme: forwarded
                    .proto
                    .filter(|p| p == "http" || p == "https")
                    .unwrap_or(direct_scheme),
                host: forwarded.host.filter(|h| is_host(h)).unwrap_or(direct_host),
            }
        }
        _ => Origin {
            address: peer,
            scheme: direct_scheme,
            host: direct_host,
        },
    }
}

/// The client's address alone (see [`origin`]).
pub fn client_address(peer: IpAddr, chain: &[IpAddr], trusted: &TrustedProxies) -> IpAddr {
    // Each proxy appends the address it received from, so the chain is read from the right:
    // the first hop that is not one of ours is the client. Anything left of it was written
    // by the client itself and proves nothing.
    let mut client = peer;
    for hop in chain.iter().rev() {
        if !trusted.contains(client) {
            break;
        }
        client = canonical(*hop);
    }
    client
}

/// The forwarding headers, `Forwarded` (RFC 7239) preferred over the `X-Forwarded-*` ones.
#[derive(Debug, Default, PartialEq, Eq)]
struct Forwarded {
    chain: Vec<IpAddr>,
    proto: Option<String>,
    host: Option<String>,
}

impl Forwarded {
    fn read(headers: &HeaderMap) -> Self {
        let values = |name: &str| -> Vec<String> {
            headers
                .get_all(name)
                .filter_map(|v| v.to_str().ok())
                .map(str::to_owned)
                .collect()
        };
        let standard = values("forwarded");
        if !standard.is_empty() {
            return Self::parse_standard(&standard.join(","));
        }
        let last = |name: &str| {
            values(name)
                .join(",")
                .rsplit(',')
                .map(str::trim)
                .find(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Self {
            chain: values("x-forwarded-for")
                .join(",")
                .split(',')
                .filter_map(|hop| parse_node(hop.trim()))
                .collect(),
            proto: last("x-forwarded-proto").map(|p| p.to_ascii_lowercase()),
            host: last("x-forwarded-host"),
        }
    }

    /// `for=192.0.2.60;proto=https;host=example.com, for="[2001:db8::1]:4711"`: one element
    /// per hop; the proto and host of the last hop (the one our proxy wrote) are kept.
    fn parse_standard(value: &str) -> Self {
        let mut parsed = Self::default();
        for element in value.split(',') {
            let mut proto = None;
            let mut host = None;
            for pair in element.split(';') {
                let Some((name, raw)) = pair.split_once('=') else {
                    continue;
                };
                let value = raw.trim().trim_matches('"');
                match name.trim().to_ascii_lowercase().as_str() {
                    "for" => {
                        if let Some(address) = parse_node(value) {
                            parsed.chain.push(address);
                        }
                    }
                    "proto" => proto = Some(value.to_ascii_lowercase()),
                    "host" => host = Some(value.to_owned()),
                    _ => {}
                }
            }
            parsed.proto = proto;
            parsed.host = host;
        }
        parsed
    }
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:80`, `::1`, `[::1]`, `[::1]:80`.
/// Obfuscated identifiers (`unknown`, `_hidden`) are no address.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(address) = IpAddr::from_str(node) {
        return Some(address);
    }
    if let Some(rest) = node.strip_prefix('[') {
        let (inside, _) = rest.split_once(']')?;
        return IpAddr::from_str(inside).ok();
    }
    let (host, port) = node.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    IpAddr::from_str(host).ok().filter(IpAddr::is_ipv4)
}

/// A host name, address or `[v6]`, with an optional port: nothing that could break out of a
/// URL's authority.
fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges_and_anything_else_is_named() {
        let trusted = proxies(" 10.0.0.0/8, ::1 ,192.168.1.7");
        assert!(trusted.contains(ip("10.1.2.3")));
        assert!(trusted.contains(ip("::1")));
        assert!(trusted.contains(ip("::ffff:192.168.1.7")));
        assert!(!trusted.contains(ip("192.168.1.8")));
        assert!(proxies("").is_empty());
        let err = TrustedProxies::parse("10.0.0.1, proxy.local").unwrap_err();
        assert!(err.contains("\"proxy.local\""), "{err}");
    }

    #[test]
    fn the_client_is_the_nearest_hop_that_is_not_a_trusted_proxy() {
        let trusted = proxies("10.0.0.0/8");
        let chain = [ip("6.6.6.6"), ip("203.0.113.9"), ip("10.0.0.2")];
        assert_eq!(
            client_address(ip("10.0.0.1"), &chain, &trusted),
            ip("203.0.113.9")
        );
        // Only proxies in the chain: the leftmost address is all there is.
        assert_eq!(
            client_address(ip("10.0.0.1"), &[ip("10.0.0.9")], &trusted),
            ip("10.0.0.9")
        );
        // A peer that is not trusted is the client, whatever it claims.
        assert_eq!(
            client_address(ip("198.51.100.1"), &chain, &trusted),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn forwarding_headers_are_ignored_from_an_untrusted_peer() {
        let request = TestRequest::default()
            .peer_addr("198.51.100.1:5000".parse().unwrap())
            .insert_header(("Host", "stackatlas.example"))
            .insert_header(("X-Forwarded-For", "1.1.1.1"))
            .insert_header(("X-Forwarded-Host", "evil.example"))
            .insert_header(("X-Forwarded-Proto", "https"))
            .to_http_request();
        let origin = origin(&request, &proxies("127.0.0.1"));
        assert_eq!(origin.address, Some(ip("198.51.100.1")));
        assert_eq!(origin.host, "stackatlas.example");
        assert_eq!(origin.scheme, "http");
    }

    #[test]
    fn a_trusted_proxy_reports_the_client_host_and_scheme() {
        let request = TestRequest::default()
            .peer_addr("127.0.0.1:5000".parse().unwrap())
            .insert_header(("Host", "127.0.0.1:8080"))
            .insert_header(("X-Forwarded-For", "6.6.6.6, 203.0.113.9"))
            .insert_header(("X-Forwarded-Host", "atlas.example.com"))
            .insert_header(("X-Forwarded-Proto", "https"))
            .to_http_request();
        let origin = origin(&request, &proxies("127.0.0.1"));
        assert_eq!(origin.address, Some(ip("203.0.113.9")));
        assert_eq!(origin.host, "atlas.example.com");
        assert_eq!(origin.scheme, "https");
    }

    #[test]
    fn the_standard_forwarded_header_is_read_with_ports_quotes_and_ipv6() {
        let request = TestRequest::default()
            .peer_addr("127.0.0.1:5000".parse().unwrap())
            .insert_header((
                "Forwarded",
                "for=unknown, for=\"[2001:db8::1]:4711\";proto=https;host=atlas.example.com",
            ))
            .insert_header(("X-Forwarded-For", "9.9.9.9"))
            .to_http_request();
        let origin = origin(&request, &proxies("127.0.0.1"));
        assert_eq!(origin.address, Some(ip("2001:db8::1")));
        assert_eq!(origin.host, "atlas.example.com");
        assert_eq!(origin.scheme, "https");
        assert_eq!(parse_node("192.0.2.43:47011"), Some(ip("192.0.2.43")));
        assert_eq!(parse_node("_hidden"), None);
    }

    #[test]
    fn the_public_url_must_be_an_http_address_and_loses_its_trailing_slash() {
        assert_eq!(
            parse_public_url("https://atlas.example.com/").unwrap(),
            "https://atlas.example.com"
        );
        assert_eq!(
            parse_public_url("http://10.0.0.5:8080/atlas").unwrap(),
            "http://10.0.0.5:8080/atlas"
        );
        for bad in [
            "atlas.example.com",
            "ftp://atlas.example.com",
            "https://x.example/?a=1",
            "",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_use_the_public_url_whatever_the_request_says() {
        let network = Network {
            trusted: proxies("127.0.0.1"),
            public_url: Some("https://atlas.example.com".into()),
        };
        let request = TestRequest::default()
            .peer_addr("127.0.0.1:5000".parse().unwrap())
            .insert_header(("X-Forwarded-Host", "other.example"))
            .to_http_request();
        assert_eq!(network.base_url(&request), "https://atlas.example.com");
    }

    #[test]
    fn a_forwarded_host_that_could_break_a_link_is_not_believed() {
        let request = TestRequest::default()
            .peer_addr("127.0.0.1:5000".parse().unwrap())
            .insert_header(("Host", "atlas.example.com"))
            .insert_header(("X-Forwarded-Host", "evil.example/\"><script>"))
            .insert_header(("X-Forwarded-Proto", "javascript"))
            .to_http_request();
        let origin = origin(&request, &proxies("127.0.0.1"));
        assert_eq!(origin.host, "atlas.example.com");
        assert_eq!(origin.scheme, "http");
    }
}

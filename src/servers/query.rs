//! What the servers list shows: its filters, sort and page, kept in the URL's query string (so a
//! reload or a shared link shows the same page) and turned into Nova's query parameters.
//!
//! Nova does for a project user: the name (a regular expression, so the typed text is escaped
//! and matched as written), status and flavor filters, `sort_key`/`sort_dir` for name
//! (`display_name`), status (`vm_state`), flavor (`instance_type_id`: servers of one flavor
//! together, flavors in the cloud's own order), zone and created, and `limit`/`marker` paging.
//! Done here, over every page of the cloud's answer, because Nova cannot at the console's
//! microversion (2.67): the zone filter (`availability_zone` is a project user's filter only
//! from 2.83) and sorting by addresses (Nova has no such sort key).

use std::cmp::Ordering;

use ecs_api::ApiError;
use ecs_api::models::Server;

use super::logic::addresses_summary;
use crate::api::server_list::ServerListPage;

/// Servers per page.
pub const PAGE_SIZE: usize = 50;

/// The statuses the status filter offers (Nova's, but those a project user never sees listed).
pub const FILTER_STATUSES: [&str; 17] = [
    "ACTIVE",
    "BUILD",
    "ERROR",
    "HARD_REBOOT",
    "MIGRATING",
    "PASSWORD",
    "PAUSED",
    "REBOOT",
    "REBUILD",
    "RESCUE",
    "RESIZE",
    "REVERT_RESIZE",
    "SHELVED",
    "SHELVED_OFFLOADED",
    "SHUTOFF",
    "SUSPENDED",
    "VERIFY_RESIZE",
];

/// The column the list is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortColumn {
    Name,
    Status,
    Addresses,
    Flavor,
    Zone,
    Created,
}

impl SortColumn {
    pub const ALL: [SortColumn; 6] = [
        Self::Name,
        Self::Status,
        Self::Addresses,
        Self::Flavor,
        Self::Zone,
        Self::Created,
    ];

    /// The column's heading.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Status => "Status",
            Self::Addresses => "Addresses",
            Self::Flavor => "Flavor",
            Self::Zone => "Availability zone",
            Self::Created => "Created",
        }
    }

    /// Its spelling in the page's URL.
    pub fn param(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Status => "status",
            Self::Addresses => "addresses",
            Self::Flavor => "flavor",
            Self::Zone => "zone",
            Self::Created => "created",
        }
    }

    pub fn from_param(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|column| column.param() == text)
    }

    /// Nova's sort key for the column, `None` where the console sorts.
    pub fn nova_key(self) -> Option<&'static str> {
        match self {
            Self::Name => Some("display_name"),
            Self::Status => Some("vm_state"),
            Self::Addresses => None,
            Self::Flavor => Some("instance_type_id"),
            Self::Zone => Some("availability_zone"),
            Self::Created => Some("created_at"),
        }
    }

    /// The direction a first click sorts in: newest first for time, A to Z for the rest.
    pub fn first_direction(self) -> Direction {
        match self {
            Self::Created => Direction::Desc,
            _ => Direction::Asc,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Asc,
    Desc,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Self::Asc, Self::Desc];

    pub fn from_param(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|direction| direction.param() == text)
    }

    /// The narrow sort control's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Asc => "Ascending",
            Self::Desc => "Descending",
        }
    }

    pub fn param(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }

    pub fn flipped(self) -> Self {
        match self {
            Self::Asc => Self::Desc,
            Self::Desc => Self::Asc,
        }
    }

    /// `aria-sort`'s value.
    pub fn aria(self) -> &'static str {
        match self {
            Self::Asc => "ascending",
            Self::Desc => "descending",
        }
    }
}

/// The filters, sort and page of the list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ListQuery {
    /// Text the name contains (any case).
    pub name: String,
    /// A Nova status (`ACTIVE`), empty for any.
    pub status: String,
    /// A flavor id, empty for any.
    pub flavor: String,
    /// An availability zone, empty for any.
    pub zone: String,
    pub sort: SortColumn,
    pub direction: Direction,
    /// The markers of the pages before this one (the last server of each): empty on page 1.
    pub trail: Vec<String>,
}

impl Default for ListQuery {
    /// Nova's own order: newest first.
    fn default() -> Self {
        Self {
            name: String::new(),
            status: String::new(),
            flavor: String::new(),
            zone: String::new(),
            sort: SortColumn::Created,
            direction: Direction::Desc,
            trail: Vec::new(),
        }
    }
}

/// Filter, sort or page changes, each keeping the rest of the query.
impl ListQuery {
    /// Reads the page's URL parameters (`get` returns one by name); anything unknown or
    /// malformed falls back to the default.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |name: &str| {
            get(name)
                .map(|value| value.trim().to_owned())
                .unwrap_or_default()
        };
        let sort = get("sort").and_then(|sort| SortColumn::from_param(&sort));
        let direction = get("dir").and_then(|dir| Direction::from_param(&dir));
        let sort = sort.unwrap_or(SortColumn::Created);
        Self {
            name: text("name"),
            status: text("status").to_ascii_uppercase(),
            flavor: text("flavor"),
            zone: text("zone"),
            sort,
            direction: direction.unwrap_or(sort.first_direction()),
            trail: get("after")
                .map(|after| {
                    after
                        .split(',')
                        .filter(|marker| !marker.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The URL's query string (`?name=web&sort=name&dir=asc`), empty for the default list.
    pub fn to_search(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (name, value) in [
            ("name", &self.name),
            ("status", &self.status),
            ("flavor", &self.flavor),
            ("zone", &self.zone),
        ] {
            if !value.is_empty() {
                pairs.push((name, value.clone()));
            }
        }
        if (self.sort, self.direction) != (SortColumn::Created, Direction::Desc) {
            pairs.push(("sort", self.sort.param().to_owned()));
            pairs.push(("dir", self.direction.param().to_owned()));
        }
        if !self.trail.is_empty() {
            pairs.push(("after", self.trail.join(",")));
        }
        if pairs.is_empty() {
            return String::new();
        }
        let encoded: Vec<String> = pairs
            .iter()
            .map(|(name, value)| format!("{name}={}", ecs_api::urls::encode(value)))
            .collect();
        format!("?{}", encoded.join("&"))
    }

    /// Page number, from 1.
    pub fn page_number(&self) -> usize {
        self.trail.len() + 1
    }

    /// The same filters and sort, page 1.
    pub fn first_page(&self) -> Self {
        Self {
            trail: Vec::new(),
            ..self.clone()
        }
    }

    /// The page after this one, which starts after `marker`.
    pub fn next_page(&self, marker: &str) -> Self {
        let mut next = self.clone();
        next.trail.push(marker.to_owned());
        next
    }

    /// The page before this one (page 1 stays).
    pub fn previous_page(&self) -> Self {
        let mut previous = self.clone();
        previous.trail.pop();
        previous
    }

    /// Sorted by `column`: a second click on the sorted column turns the order round. Back to
    /// page 1, as every change of filter or sort.
    pub fn sorted_by(&self, column: SortColumn) -> Self {
        let direction = if self.sort == column {
            self.direction.flipped()
        } else {
            column.first_direction()
        };
        self.sorted(column, direction)
    }

    /// Sorted by `column` in `direction` (the narrow sort control), on page 1.
    pub fn sorted(&self, column: SortColumn, direction: Direction) -> Self {
        Self {
            sort: column,
            direction,
            trail: Vec::new(),
            ..self.clone()
        }
    }

    /// Whether some filter is set.
    pub fn is_filtered(&self) -> bool {
        !(self.name.is_empty()
            && self.status.is_empty()
            && self.flavor.is_empty()
            && self.zone.is_empty())
    }

    /// Whether the console pages through the whole (Nova-filtered) list itself: Nova cannot
    /// filter by zone or sort by addresses at 2.67.
    pub fn pages_locally(&self) -> bool {
        !self.zone.is_empty() || self.sort.nova_key().is_none()
    }

    /// The query parameters sent to Nova, paging aside: its filters and, where it sorts this
    /// column, the sort.
    pub fn nova_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if !self.name.is_empty() {
            params.push(("name", escape_regex(&self.name)));
        }
        if !self.status.is_empty() {
            params.push(("status", self.status.clone()));
        }
        if !self.flavor.is_empty() {
            params.push(("flavor", self.flavor.clone()));
        }
        if let Some(key) = self.sort.nova_key() {
            params.push(("sort_key", key.to_owned()));
            params.push(("sort_dir", self.direction.param().to_owned()));
        }
        params
    }

    /// The marker Nova's page starts after.
    pub fn marker(&self) -> Option<&str> {
        self.trail.last().map(String::as_str)
    }
}

/// `text` as a regular expression that matches it literally (Nova's `name` is a Python regex,
/// MySQL's REGEXP on most clouds: both read a backslash before a punctuation mark as the mark).
pub fn escape_regex(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The page Nova answered for `limit = PAGE_SIZE + 1`: the extra server only tells that a next
/// page exists (so the last page never links to an empty one). A cloud whose `max_limit` is
/// below that answers fewer, with its own next link: its marker stands.
pub fn cut_page(mut page: ServerListPage) -> ServerListPage {
    if page.servers.len() > PAGE_SIZE {
        page.servers.truncate(PAGE_SIZE);
        page.next_marker = page.servers.last().map(|server| server.id.clone());
    }
    page
}

/// The page `query` asks for, cut from `servers` (every server Nova listed for the query's Nova
/// part, in Nova's order): the zone filter and the addresses sort applied here, then paged as
/// Nova pages (a marker that is not in the list is an error, as Nova's 400).
pub fn page_locally(servers: Vec<Server>, query: &ListQuery) -> Result<ServerListPage, MarkerGone> {
    let mut servers: Vec<Server> = servers
        .into_iter()
        .filter(|server| {
            query.zone.is_empty() || server.availability_zone.as_deref() == Some(&query.zone)
        })
        .collect();
    if query.sort == SortColumn::Addresses {
        // Stable: servers with the same addresses keep Nova's (newest first) order.
        servers.sort_by(|a, b| {
            let order = compare_addresses(&addresses_summary(a), &addresses_summary(b));
            match query.direction {
                Direction::Asc => order,
                Direction::Desc => order.reverse(),
            }
        });
    }
    let start = match query.marker() {
        None => 0,
        Some(marker) => {
            servers
                .iter()
                .position(|server| server.id == marker)
                .ok_or(MarkerGone)?
                + 1
        }
    };
    let rest = servers.len().saturating_sub(start);
    let page: Vec<Server> = servers.into_iter().skip(start).take(PAGE_SIZE).collect();
    let next_marker = (rest > PAGE_SIZE)
        .then(|| page.last().map(|server| server.id.clone()))
        .flatten();
    Ok(ServerListPage {
        servers: page,
        next_marker,
    })
}

/// The server a page started after is no longer listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarkerGone;

/// Whether `error` is Nova's answer to a marker it does not know ("marker [id] not found").
pub fn is_marker_gone(error: &ApiError) -> bool {
    error.status == 400
        && error.message.starts_with("marker [")
        && error.message.ends_with("] not found")
}

/// Addresses in order, servers without any last.
fn compare_addresses(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn query_of(search: &[(&str, &str)]) -> ListQuery {
        let params: HashMap<String, String> = search
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        ListQuery::from_params(|name| params.get(name).cloned())
    }

    fn server(id: &str, zone: &str, address: &str) -> Server {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": id, "OS-EXT-AZ:availability_zone": zone,
            "addresses": if address.is_empty() { serde_json::json!({}) } else {
                serde_json::json!({"net": [{"addr": address, "version": 4}]})
            },
        }))
        .expect("test server decodes")
    }

    #[test]
    fn the_url_keeps_filters_sort_and_page() {
        let query = query_of(&[
            ("name", "web 1"),
            ("status", "active"),
            ("flavor", "m1.small"),
            ("zone", "az-2"),
            ("sort", "name"),
            ("dir", "asc"),
            ("after", "a,b"),
        ]);
        assert_eq!(query.status, "ACTIVE");
        assert_eq!(query.page_number(), 3);
        assert_eq!(query.marker(), Some("b"));
        assert_eq!(
            query.to_search(),
            "?name=web%201&status=ACTIVE&flavor=m1.small&zone=az-2&sort=name&dir=asc&after=a%2Cb"
        );
        let reread = query_of(&[
            ("name", "web 1"),
            ("status", "ACTIVE"),
            ("flavor", "m1.small"),
            ("zone", "az-2"),
            ("sort", "name"),
            ("dir", "asc"),
            ("after", "a,b"),
        ]);
        assert_eq!(reread, query);
        assert_eq!(ListQuery::default().to_search(), "");
        assert_eq!(query_of(&[]), ListQuery::default());
        let odd = query_of(&[("sort", "nonsense"), ("dir", "sideways"), ("after", ",,")]);
        assert_eq!(
            odd,
            ListQuery::default(),
            "bad values fall back to the default"
        );
        assert_eq!(query_of(&[("sort", "zone")]).direction, Direction::Asc);
    }

    #[test]
    fn paging_and_sorting_keep_the_rest() {
        let query = query_of(&[("status", "SHUTOFF")]);
        let second = query.next_page("m1");
        assert_eq!(second.page_number(), 2);
        assert_eq!(second.status, "SHUTOFF");
        let third = second.next_page("m2");
        assert_eq!(third.previous_page(), second);
        assert_eq!(query.previous_page(), query, "page 1 has no page before it");
        let by_name = third.sorted_by(SortColumn::Name);
        assert_eq!(
            (by_name.sort, by_name.direction),
            (SortColumn::Name, Direction::Asc)
        );
        assert_eq!(by_name.page_number(), 1, "a new sort starts on page 1");
        assert_eq!(by_name.status, "SHUTOFF");
        assert_eq!(
            by_name.sorted_by(SortColumn::Name).direction,
            Direction::Desc
        );
        assert_eq!(
            ListQuery::default()
                .sorted_by(SortColumn::Created)
                .direction,
            Direction::Asc,
            "the default newest-first order turns round on the first click"
        );
        assert_eq!(third.first_page().trail, Vec::<String>::new());
        let flavor_down = third.sorted(SortColumn::Flavor, Direction::Desc);
        assert_eq!(
            (
                flavor_down.sort,
                flavor_down.direction,
                flavor_down.page_number()
            ),
            (SortColumn::Flavor, Direction::Desc, 1)
        );
        assert_eq!(flavor_down.status, "SHUTOFF");
        assert_eq!(
            flavor_down.to_search(),
            "?status=SHUTOFF&sort=flavor&dir=desc"
        );
        for column in SortColumn::ALL {
            assert_eq!(SortColumn::from_param(column.param()), Some(column));
        }
        for direction in Direction::ALL {
            assert_eq!(Direction::from_param(direction.param()), Some(direction));
        }
        assert_eq!(Direction::from_param("up"), None);
    }

    #[test]
    fn nova_gets_what_it_can_do() {
        let query = query_of(&[
            ("name", "web.1 (a)"),
            ("status", "ACTIVE"),
            ("flavor", "42"),
            ("sort", "flavor"),
            ("dir", "desc"),
        ]);
        assert_eq!(
            query.nova_params(),
            vec![
                ("name", r"web\.1 \(a\)".to_owned()),
                ("status", "ACTIVE".to_owned()),
                ("flavor", "42".to_owned()),
                ("sort_key", "instance_type_id".to_owned()),
                ("sort_dir", "desc".to_owned()),
            ]
        );
        assert!(!query.pages_locally());
        let by_addresses = query.sorted_by(SortColumn::Addresses);
        assert!(by_addresses.pages_locally());
        assert!(
            !by_addresses
                .nova_params()
                .iter()
                .any(|(name, _)| *name == "sort_key"),
            "Nova has no addresses sort key"
        );
        let in_zone = query_of(&[("zone", "az-1")]);
        assert!(in_zone.pages_locally());
        assert!(
            in_zone
                .nova_params()
                .iter()
                .all(|(name, _)| *name != "availability_zone")
        );
        assert!(in_zone.is_filtered());
        assert!(!ListQuery::default().is_filtered());
        let gone = ApiError {
            status: 400,
            message: "marker [abc] not found".to_owned(),
            kind: ecs_api::ErrorKind::BadRequest,
            retry_after: None,
            fault: Some("badRequest".to_owned()),
        };
        assert!(is_marker_gone(&gone));
        assert!(!is_marker_gone(&ApiError {
            message: "Invalid status value".to_owned(),
            ..gone
        }));
        assert_eq!(escape_regex(r"a\b^$|?*+[]{}"), r"a\\b\^\$\|\?\*\+\[\]\{\}");
    }

    #[test]
    fn local_pages_filter_by_zone_sort_by_addresses_and_page_like_nova() {
        let servers: Vec<Server> = (0..120)
            .map(|index| {
                server(
                    &format!("s{index:03}"),
                    if index % 2 == 0 { "az-1" } else { "az-2" },
                    &format!("10.0.{}.{}", index % 3, index),
                )
            })
            .collect();
        let query = query_of(&[("zone", "az-1")]);
        let first = page_locally(servers.clone(), &query).expect("page 1");
        assert_eq!(first.servers.len(), PAGE_SIZE);
        assert!(
            first
                .servers
                .iter()
                .all(|server| server.availability_zone.as_deref() == Some("az-1"))
        );
        assert_eq!(first.servers[0].id, "s000", "Nova's order is kept");
        let marker = first
            .next_marker
            .clone()
            .expect("60 servers make two pages");
        let second = page_locally(servers.clone(), &query.next_page(&marker)).expect("page 2");
        assert_eq!(second.servers.len(), 10);
        assert_eq!(second.next_marker, None, "the last page has no next page");
        assert_eq!(
            page_locally(servers.clone(), &query.next_page("gone")),
            Err(MarkerGone)
        );
        let mut few = vec![
            server("b", "az", "10.0.0.9"),
            server("c", "az", ""),
            server("a", "az", "10.0.0.10"),
        ];
        few.reverse();
        let by_addresses = ListQuery::default().sorted_by(SortColumn::Addresses);
        let sorted = page_locally(few.clone(), &by_addresses).expect("one page");
        let ids: Vec<&str> = sorted
            .servers
            .iter()
            .map(|server| server.id.as_str())
            .collect();
        assert_eq!(
            ids,
            ["a", "b", "c"],
            "text order, servers without addresses last"
        );
        let reversed =
            page_locally(few, &by_addresses.sorted_by(SortColumn::Addresses)).expect("one page");
        let ids: Vec<&str> = reversed
            .servers
            .iter()
            .map(|server| server.id.as_str())
            .collect();
        assert_eq!(ids, ["c", "b", "a"]);
    }

    #[test]
    fn a_page_of_one_more_than_shown_has_a_next_page() {
        let listed = |count: usize, next: bool| ServerListPage {
            servers: (0..count)
                .map(|index| server(&format!("s{index}"), "az", ""))
                .collect(),
            next_marker: next.then(|| format!("s{}", count - 1)),
        };
        let full = cut_page(listed(PAGE_SIZE + 1, true));
        assert_eq!(full.servers.len(), PAGE_SIZE);
        assert_eq!(full.next_marker.as_deref(), Some("s49"));
        let last = cut_page(listed(PAGE_SIZE, false));
        assert_eq!((last.servers.len(), last.next_marker), (PAGE_SIZE, None));
        let clipped = cut_page(listed(20, true));
        assert_eq!(
            clipped.next_marker.as_deref(),
            Some("s19"),
            "a cloud with a lower max_limit still pages"
        );
    }
}

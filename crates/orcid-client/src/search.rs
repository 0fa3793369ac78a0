//! Search: `/search`, `/expanded-search` and `/csv-search` with Solr's query syntax, one page
//! at a time or as a stream of pages within ORCID's limits.

use futures_core::Stream;
use orcid_model::expanded_search::{ExpandedResult, ExpandedSearch};
use orcid_model::search::{Search, SearchResult};
use reqwest::Method;

use crate::client::{Call, Client};
use crate::error::Error;
use crate::token::AccessToken;

/// The most results ORCID gives in one page (and its default page size).
pub const MAX_ROWS: u32 = 1000;
/// The largest `start` ORCID takes without a token: anonymous paging ends at
/// `MAX_START_ANONYMOUS + rows` results.
pub const MAX_START_ANONYMOUS: u32 = 10_000;

/// The fields ORCID's `csv-search` writes (its allowed `fl` fields), in its default order: ORCID
/// drops any other field asked for, and writes them all when none of these is left.
pub const CSV_FIELDS: &[&str] = &[
    "orcid",
    "email",
    "given-names",
    "family-name",
    "given-and-family-names",
    "current-institution-affiliation-name",
    "past-institution-affiliation-name",
    "credit-name",
    "other-names",
];

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SearchPage<T> {
    /// How many records match (`num-found`); `None` for CSV, which does not say.
    pub num_found: Option<u64>,
    /// The position of the page's first result.
    pub start: u32,
    /// The page's results.
    pub results: Vec<T>,
}

/// Which endpoint a page comes from.
#[derive(Clone, Copy)]
enum Endpoint {
    Search,
    Expanded,
    Csv,
}

impl Endpoint {
    fn path(self) -> &'static str {
        match self {
            Endpoint::Search => "search",
            Endpoint::Expanded => "expanded-search",
            Endpoint::Csv => "csv-search",
        }
    }
}

/// ORCID's search (`/search`, `/expanded-search`, `/csv-search`), with or without a token:
/// made by [`Client::search`].
#[derive(Debug, Clone, Copy)]
pub struct SearchApi<'a> {
    client: &'a Client,
    token: Option<&'a AccessToken>,
}

impl Client {
    /// Search, with a token (`/read-public`, member or public API) or without (the public
    /// API only).
    pub fn search<'a>(&'a self, token: impl Into<Option<&'a AccessToken>>) -> SearchApi<'a> {
        SearchApi { client: self, token: token.into() }
    }
}

impl<'a> SearchApi<'a> {
    /// One page of iDs matching a Solr query (GET `/search?q=&start=&rows=`), with how many
    /// match in all. `rows` is at most [`MAX_ROWS`]; without a token (the public API) `start` is
    /// at most [`MAX_START_ANONYMOUS`].
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), orcid_client::Error> {
    /// use orcid_client::{Api, Client};
    /// let client = Client::builder(Api::PublicSandbox).build()?;
    /// let page = client.search(None).ids("family-name:Carberry AND given-names:Josiah", 0, 10).await?;
    /// for result in &page.results {
    ///     println!("{}", result.orcid_identifier.path.as_deref().unwrap_or_default());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn ids(&self, query: &str, start: u32, rows: u32) -> Result<Search, Error> {
        let answer = self.call(Endpoint::Search, query, start, rows, &[]).await?;
        self.client.decode(&answer, "search")
    }

    /// One page of names and institutions matching a Solr query (GET `/expanded-search`).
    pub async fn expanded(&self, query: &str, start: u32, rows: u32) -> Result<ExpandedSearch, Error> {
        let answer = self.call(Endpoint::Expanded, query, start, rows, &[]).await?;
        self.client.decode(&answer, "expanded-search")
    }

    /// One page as CSV (GET `/csv-search?fl=`, `Accept: text/csv`): a header line of the
    /// fields, then one line per record, as ORCID's Solr writes it. ORCID keeps the fields it
    /// allows ([`CSV_FIELDS`]) and writes them all when none is left.
    pub async fn csv(&self, query: &str, fields: &[&str], start: u32, rows: u32) -> Result<String, Error> {
        let fl = fields.join(",");
        let answer = self.call(Endpoint::Csv, query, start, rows, &[("fl", &fl)]).await?;
        String::from_utf8(answer.body).map_err(|e| Error::Decode { what: "the CSV answer".into(), message: e.to_string() })
    }

    /// Every page of iDs matching a query, `rows` a page (at most [`MAX_ROWS`]), until the
    /// last result or, without a token, ORCID's depth limit ([`MAX_START_ANONYMOUS`]); each
    /// request waits for the client's rate limit. An error ends the stream after it.
    ///
    /// ```no_run
    /// # async fn run(client: orcid_client::Client) -> Result<(), orcid_client::Error> {
    /// use futures_util::StreamExt;
    /// let pages = client.search(None).ids_all("affiliation-org-name:\"Example University\"", 1000);
    /// let mut pages = std::pin::pin!(pages);
    /// while let Some(page) = pages.next().await {
    ///     let page = page?;
    ///     println!("{} of {:?}", page.start as usize + page.results.len(), page.num_found);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn ids_all(&self, query: &'a str, rows: u32) -> impl Stream<Item = Result<SearchPage<SearchResult>, Error>> + 'a {
        let search = *self;
        self.pages(rows, move |start, rows| async move {
            let page = search.ids(query, start, rows).await?;
            Ok((page.num_found.map(|n| n.max(0) as u64), page.results))
        })
    }

    /// Every page of names and institutions matching a query, as [`SearchApi::ids_all`].
    pub fn expanded_all(&self, query: &'a str, rows: u32) -> impl Stream<Item = Result<SearchPage<ExpandedResult>, Error>> + 'a {
        let search = *self;
        self.pages(rows, move |start, rows| async move {
            let page = search.expanded(query, start, rows).await?;
            Ok((page.num_found.map(|n| n.max(0) as u64), page.expanded_results))
        })
    }

    /// Every page of a CSV search, as [`SearchApi::ids_all`]: each result is one CSV record
    /// (a line, or more when a quoted value holds a line break), the header left out; CSV does
    /// not say how many match, so paging ends at the first page that is not full.
    pub fn csv_all(&self, query: &'a str, fields: &'a [&'a str], rows: u32) -> impl Stream<Item = Result<SearchPage<String>, Error>> + 'a {
        let search = *self;
        self.pages(rows, move |start, rows| async move {
            let csv = search.csv(query, fields, start, rows).await?;
            Ok((None, csv_records(&csv).into_iter().skip(1).map(str::to_owned).collect()))
        })
    }

    /// The paging loop shared by the streams: pages from 0 until the last result, a short
    /// page, or the anonymous depth limit.
    fn pages<T, F, Fut>(&self, rows: u32, fetch: F) -> impl Stream<Item = Result<SearchPage<T>, Error>> + 'a
    where
        T: 'a,
        F: Fn(u32, u32) -> Fut + 'a,
        Fut: std::future::Future<Output = Result<(Option<u64>, Vec<T>), Error>> + 'a,
    {
        let rows = rows.clamp(1, MAX_ROWS);
        let anonymous = self.token.is_none();
        // The state: the fetcher, and where the next page starts (`None`: no more pages).
        futures_util::stream::unfold((fetch, Some(0u32)), move |(fetch, next)| async move {
            let start = next?;
            match fetch(start, rows).await {
                Err(e) => Some((Err(e), (fetch, None))),
                Ok((num_found, results)) => {
                    let after = start.saturating_add(results.len() as u32);
                    let more = results.len() as u32 == rows
                        && num_found.is_none_or(|n| u64::from(after) < n)
                        && !(anonymous && after > MAX_START_ANONYMOUS);
                    Some((Ok(SearchPage { num_found, start, results }), (fetch, more.then_some(after))))
                }
            }
        })
    }

    async fn call(
        &self,
        endpoint: Endpoint,
        query: &str,
        start: u32,
        rows: u32,
        extra: &[(&str, &str)],
    ) -> Result<crate::client::Answer, Error> {
        let (start, rows) = (start.to_string(), rows.to_string());
        let mut params = vec![("q", query), ("start", start.as_str()), ("rows", rows.as_str())];
        params.extend_from_slice(extra);
        let call = Call {
            method: Method::GET,
            url: self.client.api_url(&[endpoint.path(), ""], &params),
            token: self.token,
            body: None,
            resend_if_unsure: true,
        };
        let accept = matches!(endpoint, Endpoint::Csv).then_some("text/csv");
        let answer = self.client.send_accepting(&call, accept).await?;
        if answer.status == 200 { Ok(answer) } else { Err(self.client.api_error(&answer).into()) }
    }
}

/// CSV records: lines, except where a quoted value holds a line break.
fn csv_records(csv: &str) -> Vec<&str> {
    let mut records = Vec::new();
    let (mut begin, mut quoted) = (0, false);
    for (i, c) in csv.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => {
                records.push(csv[begin..i].trim_end_matches('\r'));
                begin = i + 1;
            }
            _ => {}
        }
    }
    if begin < csv.len() {
        records.push(&csv[begin..]);
    }
    records
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_records_keep_quoted_line_breaks() {
        let csv = "orcid,other-names\r\n0000-0002-1825-0097,\"Jo\nCarberry, J.\"\n0000-0003-0000-000X,\n";
        assert_eq!(super::csv_records(csv), ["orcid,other-names", "0000-0002-1825-0097,\"Jo\nCarberry, J.\"", "0000-0003-0000-000X,"]);
    }
}

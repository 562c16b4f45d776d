//! The one error type of the web adapter: each kind maps to a status and a page that says
//! what to do. Internal errors are logged with their cause and shown without it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::pages;
use super::store::StoreError;

/// Why a request failed.
#[derive(Debug)]
pub enum Error {
    /// 400: the request is wrong in a way the message explains.
    BadRequest(String),
    /// 401: the manager view without (valid) credentials; shows the login form.
    Unauthorized(String),
    /// 403: allowed for nobody in this situation (undo in assessment, a bad CSRF token).
    Forbidden(String),
    /// 404: no such scenario or run.
    NotFound(String),
    /// 409: the turn was answered already.
    Conflict {
        message: String,
        continue_to: Option<String>,
    },
    /// 413: the body is over the limit.
    TooLarge(String),
    /// 429: too many login attempts.
    TooManyRequests(String),
    /// 503: the store failed or the server is at its limit.
    Unavailable(String),
    /// 500: a bug or a failure we did not foresee (logged, not shown).
    Internal(String),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Unavailable(e.0)
    }
}

impl Error {
    /// The status of this error.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let (message, next) = match self {
            Error::Unauthorized(message) => {
                return super::manage::login_form(status, &message);
            }
            Error::Unavailable(cause) => {
                eprintln!("rapport serve: unavailable: {cause}");
                (
                    "The results store is not answering, so nothing was recorded. Try again in a moment.".to_string(),
                    None,
                )
            }
            Error::Internal(cause) => {
                eprintln!("rapport serve: internal error: {cause}");
                (
                    "Something went wrong on our side; it has been logged.".to_string(),
                    None,
                )
            }
            Error::Conflict {
                message,
                continue_to,
            } => (message, continue_to),
            Error::BadRequest(m)
            | Error::Forbidden(m)
            | Error::NotFound(m)
            | Error::TooLarge(m)
            | Error::TooManyRequests(m) => (m, None),
        };
        (status, pages::error(status, &message, next.as_deref())).into_response()
    }
}

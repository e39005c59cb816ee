//! tauri-driver on a free port, a WebDriver session on the app, and small helpers that select
//! by `data-testid` and wait for conditions with a deadline.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::WAIT;

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("the OS hands out a free port")
}

pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Start tauri-driver; the app it launches inherits `SORKOMP_DB` and XDG folders under
    /// `home`, so the test touches neither the administrator's store nor the webview's data.
    pub async fn start(db: &Path, home: &Path) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
            "the end-to-end tests open a real window and need a display: run them with scripts/e2e.sh \
             (or under xvfb-run -a -s '-screen 0 1280x800x24')"
        );
        let port = free_port();
        let native_port = free_port();
        let child = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("SORKOMP_DB", db)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver runs (cargo install tauri-driver --locked --version '^2'; scripts/e2e.sh does it)");
        let driver = Driver { child, port };
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on port {port} within {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }

    /// Open a WebDriver session: tauri-driver starts the app and its window.
    pub async fn open_window(&self, app: &Path) -> Window {
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), json!({ "application": app }));
        caps.insert("browserName".into(), json!("wry"));
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a WebDriver session on the app window opens");
        Window { client }
    }

    /// SIGTERM, so that tauri-driver also stops WebKitWebDriver and frees its port.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let terminated = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !terminated {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

pub struct Window {
    client: Client,
}

fn testid(id: &str) -> String {
    format!("[data-testid='{id}']")
}

fn err(context: &str, e: impl std::fmt::Display) -> String {
    format!("{context}: {e}")
}

impl Window {
    pub async fn close(self) {
        let _ = self.client.close().await;
    }

    pub async fn wait_css(&self, css: &str) -> Result<Element, String> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| err(&format!("waiting for {css}"), e))
    }

    pub async fn wait_xpath(&self, xpath: &str) -> Result<Element, String> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(xpath))
            .await
            .map_err(|e| err(&format!("waiting for {xpath}"), e))
    }

    /// Click the element at `css`, looking it up again if a redraw replaced it meanwhile.
    pub async fn click_css(&self, css: &str) -> Result<(), String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let el = self.wait_css(css).await?;
            match el.click().await {
                Ok(_) => return Ok(()),
                Err(e) if Instant::now() > deadline => {
                    return Err(err(&format!("clicking {css}"), e))
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// An attribute of the element at `css`, looking it up again if a redraw replaced it.
    pub async fn attr_of(&self, css: &str, name: &str) -> Result<String, String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let el = self.wait_css(css).await?;
            match el.attr(name).await {
                Ok(Some(v)) => return Ok(v),
                _ if Instant::now() > deadline => return Err(format!("{css} has no {name}")),
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// The rendered text of the element at `xpath`, once it has some. A virtualised list may
    /// redraw (and drop) the first match, so the element is looked up again until it shows text.
    pub async fn wait_text(&self, xpath: &str) -> Result<String, String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let el = self.wait_xpath(xpath).await?;
            let arg = serde_json::to_value(&el).map_err(|e| err("passing an element", e))?;
            let script =
                "return Array.from(arguments[0].children).map(c => c.textContent).join(' ');";
            if let Ok(serde_json::Value::String(text)) =
                self.client.execute(script, vec![arg]).await
            {
                if !text.trim().is_empty() {
                    return Ok(text);
                }
            }
            if Instant::now() > deadline {
                return Err(format!("{xpath} shows no text"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_testid(&self, id: &str) -> Result<Element, String> {
        self.wait_css(&testid(id)).await
    }

    pub async fn click(&self, id: &str) -> Result<(), String> {
        self.wait_testid(id)
            .await?
            .click()
            .await
            .map(|_| ())
            .map_err(|e| err(&format!("clicking {id}"), e))
    }

    /// Replace an input's text and fire its `input` and `change` events, as typing and leaving does.
    pub async fn set_input(&self, id: &str, text: &str) -> Result<(), String> {
        let input = self.wait_testid(id).await?;
        input
            .clear()
            .await
            .map_err(|e| err(&format!("clearing {id}"), e))?;
        if !text.is_empty() {
            input
                .send_keys(text)
                .await
                .map_err(|e| err(&format!("typing into {id}"), e))?;
        }
        self.client
            .execute(
                "const el = arguments[0]; el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));",
                vec![serde_json::to_value(&input).map_err(|e| err("passing an element", e))?],
            )
            .await
            .map(|_| ())
            .map_err(|e| err(&format!("signalling {id}"), e))
    }

    /// Choose an option of a `<select>` and fire its `change` event, as picking it does.
    pub async fn choose(&self, id: &str, value: &str) -> Result<(), String> {
        let select = self.wait_testid(id).await?;
        self.client
            .execute(
                "const el = arguments[0]; el.value = arguments[1]; el.dispatchEvent(new Event('change', {bubbles: true}));",
                vec![
                    serde_json::to_value(&select).map_err(|e| err("passing an element", e))?,
                    serde_json::Value::String(value.to_string()),
                ],
            )
            .await
            .map(|_| ())
            .map_err(|e| err(&format!("choosing {value} in {id}"), e))
    }

    pub async fn exists(&self, css: &str) -> Result<bool, String> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|all| !all.is_empty())
            .map_err(|e| err(&format!("looking for {css}"), e))
    }

    pub async fn enabled(&self, id: &str) -> Result<bool, String> {
        let el = self.wait_testid(id).await?;
        el.is_enabled()
            .await
            .map_err(|e| err(&format!("reading {id}"), e))
    }

    /// The number shown in a count badge ("5.000" reads as 5000).
    pub async fn count(&self, id: &str) -> Result<i64, String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self
                .wait_testid(id)
                .await?
                .text()
                .await
                .map_err(|e| err(&format!("reading {id}"), e))?;
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse() {
                return Ok(n);
            }
            if Instant::now() > deadline {
                return Err(format!("{id} shows no number: {text:?}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_count(&self, id: &str, expected: i64) -> Result<(), String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let n = self.count(id).await?;
            if n == expected {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("{id} shows {n}, expected {expected}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_status_containing(&self, text: &str) -> Result<(), String> {
        self.wait_xpath(&format!(
            "//*[@data-testid='status'][contains(., '{text}')]"
        ))
        .await
        .map(|_| ())
    }

    /// No JavaScript alert is open (an injected `onerror=alert(1)` would open one).
    pub async fn no_alert(&self) -> Result<(), String> {
        match self.client.get_alert_text().await {
            Ok(text) => Err(format!("an alert is open: {text:?}")),
            Err(_) => Ok(()),
        }
    }

    pub async fn screenshot(&self, dir: &Path, name: &str) -> Result<(), String> {
        // Let the page paint what the DOM already holds: two animation frames.
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(null)));",
                vec![],
            )
            .await
            .map_err(|e| err("waiting for the page to paint", e))?;
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|e| err("taking a screenshot", e))?;
        std::fs::write(dir.join(format!("{name}.png")), png)
            .map_err(|e| err("saving a screenshot", e))
    }
}

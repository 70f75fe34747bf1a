// The browser comes from Debian's chromium package; puppeteer must not download its own.
module.exports = { skipDownload: true };

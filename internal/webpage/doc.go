// Package webpage tests the page of the webapp template in a real browser.
// An application scaffolded with -t go-server -t webapp is built both ways
// its image can be (harness build, and its Dockerfile's own go build in a
// context holding only what the Dockerfile copies); each server is started on
// 127.0.0.1 and Debian's chromium, headless and driven through chromedp,
// lists the API's items, creates one through the form and is shown the
// API's validation errors. A screenshot of the page is kept as an artifact.
// The package has no code besides its tests.
package webpage

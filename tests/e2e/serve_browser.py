#!/usr/bin/python3
"""The reading room in a real browser (headless Chromium via Selenium):
search without diacritics, open a document, open a page, see the
highlighted word on the text and the image, download the PDF and check its
checksum, and a phone-sized page without sideways scrolling. Saves
screenshots of the three pages (small PNGs) for the README.

usage: serve_browser.py BASE_URL DOC_ID PDF_SHA256 SCREENSHOT_DIR DOWNLOAD_DIR
Exit 0 pass, 1 fail, 77 Chromium cannot start (the caller skips)."""
import hashlib
import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

base, doc, pdf_sha, shots, downloads = sys.argv[1:6]


def fail(msg):
    print("FAIL t_serve_browser: " + msg, file=sys.stderr)
    sys.exit(1)


def shot(driver, name):
    path = os.path.join(shots, name)
    driver.save_screenshot(path)
    try:  # small PNGs for the README
        from PIL import Image
        img = Image.open(path)
        img = img.resize((img.width * 2 // 3, img.height * 2 // 3))
        img.convert("RGB").quantize(colors=96).save(path, optimize=True)
    except ImportError:
        pass


opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1280,900", "--lang=vi"):
    opts.add_argument(a)
opts.add_experimental_option("prefs", {"download.default_directory": downloads,
                                       "download.prompt_for_download": False,
                                       "intl.accept_languages": "vi-VN,vi"})
try:
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
except WebDriverException as e:
    print("SKIP t_serve_browser: Chromium cannot start here: %s" % str(e).splitlines()[0],
          file=sys.stderr)
    sys.exit(77)

try:
    driver.set_page_load_timeout(20)
    driver.get(base + "/")
    if driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != "vi":
        fail("the search page is not in Vietnamese by default")
    box = driver.find_element(By.CSS_SELECTOR, "header input[name=q]")
    box.send_keys("van phong")          # no diacritics
    box.send_keys(Keys.RETURN)
    marks = [m.text for m in driver.find_elements(By.CSS_SELECTOR, ".hit mark")]
    if not any(m.lower() == "văn phòng" for m in marks):
        fail("searching 'van phong' highlights no 'Văn phòng' (marks: %r)" % marks[:5])
    shot(driver, "search.png")

    driver.find_element(By.CSS_SELECTOR, "a[href^='/d/%s?']" % doc).click()
    if doc not in driver.find_element(By.CSS_SELECTOR, "p.prov code").text:
        fail("the document page does not show document %s" % doc)
    thumbs = driver.find_elements(By.CSS_SELECTOR, ".thumbs img")
    if not thumbs:
        fail("the document page shows no thumbnails")
    time.sleep(0.3)
    if not driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0",
                                 thumbs[0]):
        fail("the first thumbnail did not load")
    shot(driver, "document.png")
    pdf_link = driver.find_element(By.CSS_SELECTOR, "a[href='/d/%s/download/pdf']" % doc)

    # Download the PDF through the browser; its checksum must be get's.
    pdf_link.click()
    target = os.path.join(downloads, doc + ".pdf")
    for _ in range(100):
        if os.path.exists(target) and not os.path.exists(target + ".crdownload"):
            break
        time.sleep(0.1)
    else:
        fail("the browser did not download %s.pdf" % doc)
    got = hashlib.sha256(open(target, "rb").read()).hexdigest()
    if got != pdf_sha:
        fail("the downloaded PDF's sha256 is %s, not %s" % (got, pdf_sha))

    driver.find_element(By.CSS_SELECTOR, "a[href^='/d/%s/p/1?']" % doc).click()
    text_marks = driver.find_elements(By.CSS_SELECTOR, ".ocr mark")
    if not text_marks:
        fail("the page viewer highlights nothing in the OCR text")
    if not driver.find_elements(By.CSS_SELECTOR, "svg rect.hl"):
        fail("the page viewer highlights nothing on the page image")
    time.sleep(0.5)
    shot(driver, "page.png")

    # A phone: one column, nothing wider than the screen.
    driver.set_window_size(390, 844)
    driver.refresh()
    wide = driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth + 1")
    if wide:
        fail("the page viewer scrolls sideways on a phone-sized screen")
    shot(driver, "page-phone.png")
finally:
    driver.quit()
print("browser: search, document, page, highlight, PDF download (sha256 %s) ok" % pdf_sha[:12])

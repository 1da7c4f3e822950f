// Read by Bootstrap Italia's bundle as it loads: video.js (bundled, unused here) must not
// inject its stylesheet, which the Content Security Policy would refuse (inline style, and an
// icon font as a data: URL).
window.VIDEOJS_NO_DYNAMIC_STYLE = true;

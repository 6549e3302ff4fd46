;;; Licenses, named as in Guix's (guix licenses) so package files can use
;;; `license:gpl3+` with the same prefix.
(define-module (cairn licenses)
  #:use-module (srfi srfi-9)
  #:export (license? license-name license-uri license-comment
            agpl3 agpl3+ apsl2 asl1.1 asl2.0 bsd-0 bsd-2 bsd-3 bsd-4 cc0 cc-by4.0 cc-by-sa4.0
            expat expat-0 fdl1.3+ gpl1+ gpl2 gpl2+ gpl3 gpl3+ isc lgpl2.0+ lgpl2.1 lgpl2.1+ lgpl3 lgpl3+
            mpl2.0 public-domain unlicense x11 zlib fsf-free non-copyleft))

(define-record-type <license>
  (license name uri comment)
  license?
  (name license-name)
  (uri license-uri)
  (comment license-comment))

(define-syntax-rule (define-license id name uri)
  (define id (license name uri #f)))

(define-license agpl3 "AGPL 3" "https://www.gnu.org/licenses/agpl.html")
(define-license agpl3+ "AGPL 3+" "https://www.gnu.org/licenses/agpl.html")
(define-license apsl2 "APSL 2.0" "https://directory.fsf.org/wiki/License:APSL-2.0")
(define-license asl1.1 "ASL 1.1" "http://directory.fsf.org/wiki/License:Apache1.1")
(define-license asl2.0 "ASL 2.0" "http://directory.fsf.org/wiki/License:Apache2.0")
(define-license bsd-0 "Zero-Clause BSD" "https://spdx.org/licenses/0BSD.html")
(define-license bsd-2 "FreeBSD" "http://directory.fsf.org/wiki/License:FreeBSD")
(define-license bsd-3 "Modified BSD" "http://directory.fsf.org/wiki/License:BSD_3Clause")
(define-license bsd-4 "Original BSD" "http://directory.fsf.org/wiki/License:BSD_4Clause")
(define-license cc0 "CC0" "http://directory.fsf.org/wiki/License:CC0")
(define-license cc-by4.0 "CC-BY 4.0" "http://creativecommons.org/licenses/by/4.0/")
(define-license cc-by-sa4.0 "CC-BY-SA 4.0" "http://creativecommons.org/licenses/by-sa/4.0/")
(define-license expat "Expat" "http://directory.fsf.org/wiki/License:Expat")
(define-license expat-0 "Expat No Attribution" "https://spdx.org/licenses/MIT-0.html")
(define-license fdl1.3+ "FDL 1.3+" "https://www.gnu.org/licenses/fdl.html")
(define-license gpl1+ "GPL 1+" "https://www.gnu.org/licenses/old-licenses/gpl-1.0.html")
(define-license gpl2 "GPL 2" "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html")
(define-license gpl2+ "GPL 2+" "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html")
(define-license gpl3 "GPL 3" "https://www.gnu.org/licenses/gpl.html")
(define-license gpl3+ "GPL 3+" "https://www.gnu.org/licenses/gpl.html")
(define-license isc "ISC" "http://directory.fsf.org/wiki/License:ISC")
(define-license lgpl2.0+ "LGPL 2.0+" "https://www.gnu.org/licenses/old-licenses/lgpl-2.0.html")
(define-license lgpl2.1 "LGPL 2.1" "https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html")
(define-license lgpl2.1+ "LGPL 2.1+" "https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html")
(define-license lgpl3 "LGPL 3" "https://www.gnu.org/licenses/lgpl.html")
(define-license lgpl3+ "LGPL 3+" "https://www.gnu.org/licenses/lgpl.html")
(define-license mpl2.0 "MPL 2.0" "http://directory.fsf.org/wiki/License:MPL-2.0")
(define-license public-domain "Public Domain" "http://directory.fsf.org/wiki/License:PublicDomain")
(define-license unlicense "Unlicense" "https://unlicense.org/")
(define-license x11 "X11" "http://directory.fsf.org/wiki/License:X11")
(define-license zlib "Zlib" "http://www.gzip.org/zlib/zlib_license.html")

(define* (fsf-free uri #:optional (comment ""))
  (license "FSF-free" uri comment))

(define* (non-copyleft uri #:optional (comment ""))
  (license "non-copyleft" uri comment))

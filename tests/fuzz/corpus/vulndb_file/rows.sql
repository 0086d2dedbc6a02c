INSERT INTO adv(rowid,key,id,source,modified,modified_ts,published,summary,aliases,refs,severity,kev,epss,epss_pct) VALUES
(1,'GHSA-1','GHSA-1','osv','2024-01-02T00:00:00Z',1704153600.0,'2024-01-01T00:00:00Z','proto pollution','["CVE-2021-44906"]','["https://127.0.0.1/a"]','[["CVSS_V3","CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]]',1,0.5,0.9),
(2,'DSA-1','DSA-1','osv:Debian',NULL,NULL,NULL,NULL,'[]','[]','[]',0,-1,-1);
INSERT INTO affected VALUES('npm','minimist',1,0,'npm','{"e":"npm","n":"minimist","r":[{"t":"SEMVER","e":[["introduced","0"],["fixed","1.2.6"],["limit","2"]]}],"v":["1.2.5"]}'),
('debian:12','openssl',2,0,'Debian:12','{"e":"Debian:12","n":"openssl","r":[{"t":"ECOSYSTEM","e":[["introduced","0"],["last_affected","3.0.11-1~deb12u2"]]}],"v":[]}');
INSERT INTO nvd VALUES('CVE-2021-44906','[["CVSS_V3","CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]]');
INSERT INTO sources VALUES('osv:npm',1,1700000000),('osv:Debian',1,1700000000);

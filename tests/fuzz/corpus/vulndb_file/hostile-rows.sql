INSERT INTO adv(rowid,key,id,source,aliases,refs,severity,nvd_sev) VALUES(7,'K','X','osv','{"a":1}',x'00ff','[]','[[1,2],"x",[null]]');
INSERT INTO affected VALUES('npm','minimist',7,0,'npm','{"e":1,"r":[{"t":null,"e":[[],["fixed"],[1,2],"x"]},7],"v":{"a":1}}');
INSERT INTO affected VALUES('npm','minimist',7,1,'npm','not json');
INSERT INTO sources VALUES(NULL,-1,9223372036854775807);

DROP TABLE affected;
CREATE VIEW affected(eco,name,adv,ord,ecosystem,entry) AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT 'npm','minimist',1,x,'npm','{}' FROM c;
INSERT INTO adv(rowid,key,id,source,aliases,refs,severity) VALUES(1,'K','X','osv','[]','[]','[]');

# policy/container-security.rego
package container.security
import rego.v1
deny contains msg if {
some vuln in input.vulnerabilities
vuln.severity == "CRITICAL"
vuln.cvss.v3.score >= 7.0
msg := sprintf("Block critical CVE %s (CVSS %.1f): %s", [vuln.id, vuln.cvss.v3.score, vuln.title])
}
deny contains msg if {
some vuln in input.vulnerabilities
vuln.severity == "HIGH"
vuln.cvss.v3.score >= 8.5
msg := sprintf("Block high CVE %s (CVSS %.1f): %s", [vuln.id, vuln.cvss.v3.score, vuln.title])
}
allow if {
not deny
}

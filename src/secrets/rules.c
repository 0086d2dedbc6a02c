/*
 * rules.c - the built-in secret rules, each written from the vendor's
 * published token format (prefixes, alphabets, lengths), with Trivy's rule
 * ids where Trivy has the rule, and the built-in allow rules (documented
 * example keys, placeholders, test/example/vendored/documentation paths).
 * Patterns are POSIX EREs that Hyperscan also compiles (no lookaround, no
 * backreferences; \b only outside brackets).  docs/secrets.md lists them.
 */
#include "cgate/secrets.h"

enum { L = 1, M = 2, H = 3, C = 4 };

/* Boundary before and after a token: not part of a longer token. */
#define B0 "(^|[^0-9A-Za-z_])"
#define B1 "([^0-9A-Za-z_]|$)"

static const cg_secret_rule_def rules[] = {
    {"aws-access-key-id", "AWS", "AWS Access Key ID", C,
     B0 "((A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16})" B1, 0, 2,
     "akia,asia,agpa,aida,aroa,aipa,anpa,anva,a3t", NULL},
    {"aws-secret-access-key", "AWS", "AWS Secret Access Key", C,
     "aws[-_.]?(secret)?[-_.]?(access)?[-_.]?key[\"' ]*(:|=|=>|:=)[\"' ]*([A-Za-z0-9/+=]{40})" B1, 1, 4,
     "aws", NULL},
    {"github-pat", "GitHub", "GitHub Personal Access Token", C, B0 "(ghp_[0-9A-Za-z]{36})" B1, 0, 2, "ghp_", NULL},
    {"github-oauth", "GitHub", "GitHub OAuth Access Token", C, B0 "(gho_[0-9A-Za-z]{36})" B1, 0, 2, "gho_", NULL},
    {"github-app-token", "GitHub", "GitHub App Token", C, B0 "((ghu|ghs)_[0-9A-Za-z]{36})" B1, 0, 2,
     "ghu_,ghs_", NULL},
    {"github-refresh-token", "GitHub", "GitHub Refresh Token", C, B0 "(ghr_[0-9A-Za-z]{76})" B1, 0, 2, "ghr_", NULL},
    {"github-fine-grained-pat", "GitHub", "GitHub Fine-grained Personal Access Token", C,
     B0 "(github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59})" B1, 0, 2, "github_pat_", NULL},
    {"gitlab-pat", "GitLab", "GitLab Personal Access Token", C, B0 "(glpat-[0-9A-Za-z_-]{20})" B1, 0, 2, "glpat-",
     NULL},
    {"gitlab-rrt", "GitLab", "GitLab Runner Registration Token", C, B0 "(GR1348941[0-9A-Za-z_-]{20})" B1, 0, 2,
     "gr1348941", NULL},
    {"gitlab-ptt", "GitLab", "GitLab Pipeline Trigger Token", C, B0 "(glptt-[0-9a-f]{40})" B1, 0, 2, "glptt-", NULL},
    {"slack-access-token", "Slack", "Slack token", H, B0 "(xox[baprs]-[0-9A-Za-z]{10,13}-[0-9A-Za-z-]{10,70})" B1,
     0, 2, "xoxb-,xoxa-,xoxp-,xoxr-,xoxs-", NULL},
    {"slack-web-hook", "Slack", "Slack Webhook", M,
     "(https://hooks\\.slack\\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24})", 0, 1,
     "hooks.slack.com", NULL},
    {"stripe-secret-token", "Stripe", "Stripe Secret Key", C, B0 "((sk|rk)_(live|test)_[0-9A-Za-z]{24,99})" B1, 0,
     2, "sk_live_,sk_test_,rk_live_,rk_test_", NULL},
    {"twilio-api-key", "Twilio", "Twilio API Key", M, B0 "(SK[0-9a-f]{32})" B1, 0, 2, "sk", NULL},
    {"sendgrid-api-token", "SendGrid", "SendGrid API token", M, B0 "(SG\\.[0-9A-Za-z_-]{22}\\.[0-9A-Za-z_-]{43})" B1,
     0, 2, "sg.", NULL},
    {"npm-access-token", "npm", "npm access token", C, B0 "(npm_[0-9A-Za-z]{36})" B1, 0, 2, "npm_", NULL},
    {"npmrc-auth-token", "npm", "npm registry token in .npmrc", C, "_authToken=([0-9A-Za-z_./+=-]{20,})", 0, 1,
     "_authtoken", "(^|/)\\.npmrc$"},
    {"pypi-upload-token", "PyPI", "PyPI upload token", H, B0 "(pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,})" B1, 0, 2,
     "pypi-ageichlwas5vcmc", NULL},
    {"gcp-service-account", "Google", "Google (GCP) Service-account key", C,
     "\"private_key_id\"[ \t]*:[ \t]*\"([0-9a-f]{40})\"", 0, 1, "private_key_id", NULL},
    {"gcp-api-key", "Google", "Google API key", H, B0 "(AIza[0-9A-Za-z_-]{35})" B1, 0, 2, "aiza", NULL},
    {"azure-storage-account-key", "Azure", "Azure Storage Account key", C,
     "AccountKey=([A-Za-z0-9+/]{86}==)", 0, 1, "accountkey=", NULL},
    {"azure-client-secret", "Azure", "Azure AD client secret", C,
     B0 "([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})" B1, 0, 2, "q~", NULL},
    {"azure-sas-token", "Azure", "Azure shared access signature", H,
     "[?&]sig=([A-Za-z0-9%+/]{43,53}(%3D|=))", 0, 1, "sig=", NULL},
    {"dockerconfig-secret", "Docker", "Dockercfg secret exposed", H,
     "\"auth\"[ \t]*:[ \t]*\"([A-Za-z0-9+/]{12,}={0,2})\"", 0, 1, "\"auth\"",
     "(^|/)(config\\.json|\\.dockercfg)$"},
    {"private-key", "AsymmetricPrivateKey", "Asymmetric Private Key", H,
     "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY( BLOCK)?-----", 0, 0, "-----begin", NULL},
    {"jwt-token", "JWT", "JWT token", M,
     B0 "(eyJ[A-Za-z0-9_-]{15,}\\.eyJ[A-Za-z0-9_-]{15,}\\.[A-Za-z0-9_-]{20,})" B1, 0, 2, "eyj", NULL},
    {"hugging-face-access-token", "HuggingFace", "Hugging Face Access Token", C, B0 "(hf_[A-Za-z]{34})" B1, 0, 2,
     "hf_", NULL},
    {"openai-api-key", "OpenAI", "OpenAI API key", C,
     B0 "(sk-([A-Za-z0-9_-]{0,40}-)?[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})" B1, 0, 2, "t3blbkfj", NULL},
    {"anthropic-api-key", "Anthropic", "Anthropic API key", C, B0 "(sk-ant-(api|admin)[0-9]{2}-[A-Za-z0-9_-]{90,100})" B1,
     0, 2, "sk-ant-", NULL},
    {"shopify-token", "Shopify", "Shopify token", H, B0 "(shp(at|ca|pa|ss)_[a-fA-F0-9]{32})" B1, 0, 2,
     "shpat_,shpca_,shppa_,shpss_", NULL},
    {"age-secret-key", "Age", "Age secret key", C, "(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})", 0, 1,
     "age-secret-key-1", NULL},
    {"digitalocean-token", "DigitalOcean", "DigitalOcean token", C, B0 "((dop|doo|dor)_v1_[a-f0-9]{64})" B1, 0, 2,
     "dop_v1_,doo_v1_,dor_v1_", NULL},
    {"databricks-token", "Databricks", "Databricks API token", H, B0 "(dapi[a-h0-9]{32})" B1, 0, 2, "dapi", NULL},
    {"grafana-token", "Grafana", "Grafana service account token", H, B0 "(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})" B1, 0,
     2, "glsa_", NULL},
    {"hashicorp-vault-token", "HashiCorp", "HashiCorp Vault token", H, B0 "(hvs\\.[A-Za-z0-9_-]{90,120})" B1, 0, 2,
     "hvs.", NULL},
    {"new-relic-user-api-key", "NewRelic", "New Relic user API key", H, B0 "(NRAK-[A-Z0-9]{27})" B1, 0, 2, "nrak-",
     NULL},
    {"postman-api-token", "Postman", "Postman API token", H, B0 "(PMAK-[a-f0-9]{24}-[a-f0-9]{34})" B1, 0, 2, "pmak-",
     NULL},
    {"rubygems-api-token", "RubyGems", "RubyGems API token", H, B0 "(rubygems_[a-f0-9]{48})" B1, 0, 2, "rubygems_",
     NULL},
    {"alibaba-access-key-id", "Alibaba", "Alibaba AccessKey ID", H, B0 "(LTAI[A-Za-z0-9]{20})" B1, 0, 2, "ltai", NULL},
    {"linear-api-token", "Linear", "Linear API token", H, B0 "(lin_api_[A-Za-z0-9]{40})" B1, 0, 2, "lin_api_", NULL},
    {"doppler-token", "Doppler", "Doppler API token", H, B0 "(dp\\.pt\\.[A-Za-z0-9]{43})" B1, 0, 2, "dp.pt.", NULL},
    {"planetscale-token", "PlanetScale", "PlanetScale token", H, B0 "(pscale_(tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64})" B1,
     0, 2, "pscale_", NULL},
};

/* Example keys from vendor documentation, placeholders, and paths where
 * secrets are test data or documentation (not reported, as Trivy does). */
static const cg_secret_allow allow[] = {
    {"examples", "Documented example values", "(EXAMPLE|[Ee]xample|EXAMPLEKEY|DUMMY|[Dd]ummy|PLACEHOLDER|[Pp]laceholder)",
     NULL},
    {"tests", "Test paths", NULL, "(^|/)(test|tests|testdata|__tests__|spec|fixtures)/|[-_.]test\\.[a-z]+$"},
    {"examples-path", "Example paths", NULL, "(^|/)examples?/"},
    {"vendor", "Vendored code", NULL, "(^|/)vendor/"},
    {"usr-dirs", "Documentation and headers", NULL, "^usr/(share|include)/"},
    {"locale-dir", "Locales", NULL, "(^|/)locales?/"},
    {"markdown", "Markdown", NULL, "\\.(md|markdown|rst)$"},
    {"node.js", "npm packages", NULL, "(^|/)node_modules/"},
    {"golang", "Go module cache and toolchain sources", NULL, "(^|/)(go/pkg/mod|usr/local/go)/"},
    {"python", "Python packages", NULL, "(^|/)(site-packages|dist-packages)/"},
    {"ruby", "Ruby gems", NULL, "(^|/)gems/"},
};

const cg_secret_rule_def *cg_secret_builtin_rules(size_t *n)
{
    *n = sizeof rules / sizeof rules[0];
    return rules;
}

const cg_secret_allow *cg_secret_builtin_allow(size_t *n)
{
    *n = sizeof allow / sizeof allow[0];
    return allow;
}

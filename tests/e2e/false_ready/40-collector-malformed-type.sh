# A collector reply with a wrong JSON type ("name": 5) ended the client in terminate() (exit 134): now the routers are Unknown with the parse error.
. "$BGPWATCH_SOURCE_DIR/tests/lib/false_ready_collector.sh"
fc_start
fc_control 
fc_template 'doc["routers"][0]["name"] = 5'
fr_expect "collector-malformed-type" 3 'routers\[0\]: field .name. is number, not a string' -- "${FC_ARGS[@]}" 
fr_note "malformed collector JSON: Unknown, no crash"

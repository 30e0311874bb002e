# tests/lib/nrpe_big_site.py DIR CONFIG XML: writes DIR/CONFIG (a bgpwatch
# config: site eqiad with one router, cr1-eqiad, and 80 static nodes
# kubernetes2000..2079, 10.64.40.1..80) and DIR/XML (cr1-eqiad's Junos reply
# with all 80 peers Active). Enough problem lines to push the plugin's output
# over NRPE's 1024-byte cap (tests/e2e/test_nrpe_*.sh).
import sys

d, config, xml = sys.argv[1:4]
nodes, peers = [], []
for i in range(80):
    a = "10.64.40.%d" % (i + 1)
    nodes.append('    kubernetes%d.eqiad.wmnet: {site: eqiad, addresses: [%s]}' % (2000 + i, a))
    peers.append('<bgp-peer><peer-address>%s</peer-address><peer-as>64601</peer-as><flap-count>1</flap-count>'
                 '<elapsed-time junos:seconds="30">30</elapsed-time><peer-state>Active</peer-state></bgp-peer>' % a)
open(d + "/" + config, "w").write("""sites:
  eqiad: {asn: 64601, routers: [{name: cr1-eqiad, host: 127.0.0.1, port: 1}]}
netconf: {username: x, known_hosts: /dev/null}
inventory:
  static:
""" + "\n".join(nodes) + "\n")
open(d + "/" + xml, "w").write('<rpc-reply xmlns:junos="http://xml.juniper.net/junos/21.4R3/junos"><bgp-information>'
                               + "".join(peers) + "</bgp-information></rpc-reply>\n")

// tests/bench/junos_xmllib_compare.cpp: the measurement behind choosing
// pugixml for parse_junos_xml (docs/junos.md). Parses the same reply with
// pugixml (parse_junos_xml itself), expat (SAX) and libxml2 (DOM), each
// extracting the same fields into Session objects; median CPU time of N
// runs in one process. Not built by CMake (it links expat and libxml2,
// which bgpwatch does not use); build and run by hand:
//   c++ -std=c++20 -O2 -I. $(pkg-config --cflags libxml-2.0) tests/bench/junos_xmllib_compare.cpp
//       build-bench/bgp/libbgpwatch_bgp.a -lpugixml -lexpat $(pkg-config --libs libxml-2.0) -o /tmp/xmllib
//   /tmp/xmllib build-bench/junos_10k.xml 11
#include "bgp/junos.hpp"
#include <pugixml.hpp>
#include <expat.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>
using namespace bgpwatch::bgp;
static std::string_view localn(const char* n){ std::string_view s(n); auto c=s.rfind(':'); return c==s.npos? s : s.substr(c+1);}
static uint64_t num(std::string_view s){ while(!s.empty()&&(s.front()==' '||s.front()=='\n'))s.remove_prefix(1); while(!s.empty()&&(s.back()==' '||s.back()=='\n'))s.remove_suffix(1); uint64_t v=0; std::from_chars(s.data(),s.data()+s.size(),v); return v;}
static void field(Session& s, RibCounts* rib, std::string_view n, std::string_view t){
  if(rib){ if(n=="name") rib->name=std::string(t); else if(n=="active-prefix-count") rib->active=num(t); else if(n=="received-prefix-count") rib->received=num(t); else if(n=="accepted-prefix-count") rib->accepted=num(t); else if(n=="suppressed-prefix-count") rib->suppressed=num(t); return;}
  if(n=="peer-address"){ auto p=t.rfind('+'); s.address=*Address::parse(p==t.npos?t:t.substr(0,p)); }
  else if(n=="peer-as") s.peer_as=(uint32_t)num(t); else if(n=="peer-state") s.state=*parse_state_name(t);
  else if(n=="flap-count") s.flaps=num(t); else if(n=="input-messages") s.input_messages=num(t); else if(n=="output-messages") s.output_messages=num(t);
  else if(n=="route-queue-count") s.output_queue=num(t); else if(n=="description") s.description=std::string(t);
}
// expat
struct ExState{ std::vector<Session> out; Session cur; RibCounts rib; bool in_peer=false, in_rib=false; std::string text; int depth=0, peer_depth=0; };
static void XMLCALL ex_start(void* ud, const XML_Char* name, const XML_Char** atts){ auto& st=*(ExState*)ud; st.depth++; auto n=localn(name); st.text.clear();
  if(n=="bgp-peer"){ st.in_peer=true; st.cur=Session{}; st.peer_depth=st.depth; }
  else if(st.in_peer && n=="bgp-rib"){ st.in_rib=true; st.rib=RibCounts{}; }
  else if(st.in_peer && n=="elapsed-time"){ for(int i=0; atts[i]; i+=2) if(localn(atts[i])=="seconds") st.cur.uptime_seconds=(int64_t)num(atts[i+1]); } }
static void XMLCALL ex_end(void* ud, const XML_Char* name){ auto& st=*(ExState*)ud; auto n=localn(name);
  if(n=="bgp-peer" && st.in_peer){ st.out.push_back(std::move(st.cur)); st.in_peer=false; }
  else if(n=="bgp-rib" && st.in_rib){ st.cur.ribs.push_back(std::move(st.rib)); st.in_rib=false; }
  else if(st.in_peer) field(st.cur, st.in_rib? &st.rib : nullptr, n, st.text);
  st.text.clear(); st.depth--; }
static void XMLCALL ex_chars(void* ud, const XML_Char* s, int len){ ((ExState*)ud)->text.append(s, len); }
static size_t run_expat(const std::string& x){ ExState st; XML_Parser p=XML_ParserCreate(nullptr); XML_SetUserData(p,&st); XML_SetElementHandler(p,ex_start,ex_end); XML_SetCharacterDataHandler(p,ex_chars);
  if(XML_Parse(p,x.data(),(int)x.size(),1)==XML_STATUS_ERROR){ std::cerr<<"expat error\n"; } XML_ParserFree(p); return st.out.size(); }
// libxml2 DOM
static std::string_view content(xmlNode* n){ for(auto c=n->children;c;c=c->next) if(c->type==XML_TEXT_NODE) return (const char*)c->content; return {}; }
static size_t run_libxml2(const std::string& x){ xmlDoc* d=xmlReadMemory(x.data(),(int)x.size(),nullptr,nullptr,XML_PARSE_NONET|XML_PARSE_NOBLANKS); std::vector<Session> out;
  xmlNode* root=xmlDocGetRootElement(d); xmlNode* info=root; if(std::string_view((const char*)root->name)!="bgp-information") for(auto c=root->children;c;c=c->next) if(c->type==XML_ELEMENT_NODE&&std::string_view((const char*)c->name)=="bgp-information") info=c;
  for(auto p=info->children;p;p=p->next){ if(p->type!=XML_ELEMENT_NODE||std::string_view((const char*)p->name)!="bgp-peer") continue; Session s;
    for(auto c=p->children;c;c=c->next){ if(c->type!=XML_ELEMENT_NODE) continue; std::string_view n((const char*)c->name);
      if(n=="bgp-rib"){ RibCounts r; for(auto e=c->children;e;e=e->next) if(e->type==XML_ELEMENT_NODE) field(s,&r,(const char*)e->name,content(e)); s.ribs.push_back(r);} 
      else if(n=="elapsed-time"){ for(auto a=c->properties;a;a=a->next) if(std::string_view((const char*)a->name)=="seconds") s.uptime_seconds=(int64_t)num((const char*)a->children->content); }
      else field(s,nullptr,n,content(c)); }
    out.push_back(std::move(s)); }
  xmlFreeDoc(d); return out.size(); }
static size_t run_pugi_raw(const std::string& x){ pugi::xml_document d; d.load_buffer(x.data(),x.size()); return d.first_child()?1:0; }
template<class F> double med(F f, int n, size_t& r){ std::vector<double> t; for(int i=0;i<n;i++){ auto a=std::clock(); r=f(); auto b=std::clock(); t.push_back(1000.0*(b-a)/CLOCKS_PER_SEC); } std::sort(t.begin(),t.end()); return t[t.size()/2]; }
int main(int argc,char**argv){ std::ifstream f(argv[1],std::ios::binary); std::stringstream ss; ss<<f.rdbuf(); std::string x=ss.str(); int n=argc>2?atoi(argv[2]):15; size_t r=0;
  std::cout<<"input "<<x.size()<<" bytes, median CPU time of "<<n<<" runs, parse + extract to Session objects\n";
  double a=med([&]{ auto s=parse_junos_xml(x); return s? s->sessions.size():0; },n,r); std::cout<<"pugixml  (bgpwatch parse_junos_xml): "<<a<<" ms, "<<r<<" sessions\n";
  double b=med([&]{ return run_expat(x);},n,r); std::cout<<"expat    (SAX, same extraction):    "<<b<<" ms, "<<r<<" sessions\n";
  double c=med([&]{ return run_libxml2(x);},n,r); std::cout<<"libxml2  (xmlReadMemory DOM + walk): "<<c<<" ms, "<<r<<" sessions\n";
  double d=med([&]{ return run_pugi_raw(x);},n,r); std::cout<<"pugixml  load_buffer only (no extraction): "<<d<<" ms\n";
}

// tests/bench/neighbor_parse_cost.cpp: parse time of a summary vs the neighbor
// detail (issue 14), median of 11. Not built by CMake; build and run with:
//   g++ -std=c++20 -O2 -I. tests/bench/neighbor_parse_cost.cpp bgp/junos_xml.cpp bgp/junos_neighbor_xml.cpp \
//     bgp/junos_neighbor_text.cpp bgp/junos_fields.cpp bgp/junos_text.cpp bgp/elapsed.cpp bgp/session.cpp -lpugixml
//   ./a.out SUMMARY.xml NEIGHBORS.xml ONE-NEIGHBOR.xml   (made with bgpwatch-netconf-sim --print / --print-neighbors)
#include "bgp/junos.hpp"
#include "bgp/junos_neighbor.hpp"
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <algorithm>
#include <vector>
using namespace bgpwatch::bgp;
static std::string slurp(const char* p){std::ifstream i(p);std::ostringstream o;o<<i.rdbuf();return o.str();}
template<class F> double median_ms(F f){std::vector<double> v;for(int i=0;i<11;++i){auto t=std::chrono::steady_clock::now();f();v.push_back(std::chrono::duration<double,std::milli>(std::chrono::steady_clock::now()-t).count());}std::sort(v.begin(),v.end());return v[5];}
int main(int, char** argv){
  auto s=slurp(argv[1]); auto n=slurp(argv[2]); auto one=slurp(argv[3]);
  std::size_t c=0;
  double a=median_ms([&]{c+=parse_junos_xml(s)->sessions.size();});
  double b=median_ms([&]{c+=parse_junos_neighbor_xml(n)->sessions.size();});
  double d=median_ms([&]{for(int i=0;i<100;++i) c+=parse_junos_neighbor_xml(one)->sessions.size();});
  std::cout<<"summary 2000 peers: "<<a<<" ms; neighbor detail 2000 peers: "<<b<<" ms; one peer's detail: "<<d*10<<" us ("<<c<<")\n";
}

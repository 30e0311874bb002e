// collector/capture/pcap_reader.cpp: the libpcap adapter (see pcap_reader.hpp).
#include "collector/capture/pcap_reader.hpp"

#include "collector/capture/pcap_packet.hpp"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstring>

namespace bgpwatch::collector {

namespace {

pcap_t* h(void* p)
{
  return static_cast<pcap_t*>(p);
}

// "tcp port 179" does not look past VLAN tags in a file (BPF offsets are
// fixed); on Ethernet the default also matches one or two tags (802.1Q,
// QinQ; nested, since each "vlan" moves the offsets of what follows). A
// filter given by the user is used as written.
constexpr const char* k_default_bpf_ethernet =
  "tcp port 179 or (vlan and (tcp port 179 or (vlan and tcp port 179)))";

Expected<void, PcapError> apply_filter(pcap_t* p, const std::string& bpf)
{
  if (bpf.empty()) {
    return {};
  }
  bpf_program prog{};
  if (bpf == k_default_bpf && pcap_datalink(p) == DLT_EN10MB
      && pcap_compile(p, &prog, k_default_bpf_ethernet, 1, PCAP_NETMASK_UNKNOWN) == 0) {
    const int rc = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (rc == 0) {
      return {};
    }
  }
  if (pcap_compile(p, &prog, bpf.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    return Unexpected(PcapError{PcapError::Kind::bad_filter,
                                "bad BPF filter '" + bpf + "': " + std::string(pcap_geterr(p))});
  }
  const int rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc != 0) {
    return Unexpected(PcapError{PcapError::Kind::bad_filter,
                                "cannot set BPF filter '" + bpf + "': " + std::string(pcap_geterr(p))});
  }
  return {};
}

} // namespace

PcapReader::~PcapReader()
{
  if (m_handle != nullptr) {
    pcap_close(h(m_handle));
  }
}

Expected<std::unique_ptr<PcapReader>, PcapError> PcapReader::open_file(const std::string& path, const std::string& bpf)
{
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  if (p == nullptr) {
    return Unexpected(PcapError{PcapError::Kind::unreadable, "cannot read capture '" + path + "': " + errbuf});
  }
  std::unique_ptr<PcapReader> r(new PcapReader());
  r->m_handle = p;
  r->m_dlt = pcap_datalink(p);
  if (!supported_link_type(r->m_dlt)) {
    const char* name = pcap_datalink_val_to_name(r->m_dlt);
    return Unexpected(PcapError{PcapError::Kind::unreadable,
                                "capture '" + path + "' has link type " + std::to_string(r->m_dlt) + " ("
                                  + (name ? name : "?")
                                  + "): supported are Ethernet (VLAN/QinQ), Linux cooked v1/v2, raw IP, BSD loopback"});
  }
  auto f = apply_filter(p, bpf);
  if (!f) {
    return Unexpected(f.error());
  }
  return r;
}

Expected<std::unique_ptr<PcapReader>, PcapError> PcapReader::open_live(const std::string& interface,
                                                                       const std::string& bpf, int timeout_ms)
{
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_create(interface.c_str(), errbuf);
  if (p == nullptr) {
    return Unexpected(PcapError{PcapError::Kind::no_such_device, "cannot capture on '" + interface + "': " + errbuf});
  }
  std::unique_ptr<PcapReader> r(new PcapReader());
  r->m_handle = p;
  r->m_live = true;
  pcap_set_snaplen(p, 65535);
  pcap_set_promisc(p, 0);
  pcap_set_timeout(p, timeout_ms);
  pcap_set_immediate_mode(p, 1);
  pcap_set_buffer_size(p, 4 << 20);
  const int rc = pcap_activate(p);
  if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED) {
    return Unexpected(PcapError{
      PcapError::Kind::permission,
      "live capture on '" + interface + "' is not permitted: it needs CAP_NET_RAW (and CAP_NET_ADMIN). Run as root, or "
        "grant the binary the capabilities: setcap cap_net_raw,cap_net_admin=eip $(command -v bgpwatch) ("
        + std::string(pcap_geterr(p)) + ")"});
  }
  if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
    return Unexpected(PcapError{PcapError::Kind::no_such_device,
                                "no interface '" + interface + "' to capture on (" + pcap_geterr(p) + ")"});
  }
  if (rc < 0) {
    return Unexpected(PcapError{PcapError::Kind::other, "cannot capture on '" + interface + "': "
                                                          + std::string(pcap_statustostr(rc)) + " ("
                                                          + pcap_geterr(p) + ")"});
  }
  r->m_dlt = pcap_datalink(p);
  if (!supported_link_type(r->m_dlt)) {
    return Unexpected(PcapError{PcapError::Kind::other,
                                "interface '" + interface + "' has link type " + std::to_string(r->m_dlt)
                                  + ", which bgpwatch does not decode"});
  }
  auto f = apply_filter(p, bpf);
  if (!f) {
    return Unexpected(f.error());
  }
  return r;
}

PcapReader::Next PcapReader::next(Frame& frame)
{
  pcap_pkthdr* hdr = nullptr;
  const u_char* data = nullptr;
  const int rc = pcap_next_ex(h(m_handle), &hdr, &data);
  if (rc == 1) {
    frame.time_us = static_cast<std::int64_t>(hdr->ts.tv_sec) * 1'000'000 + hdr->ts.tv_usec;
    frame.bytes = std::span<const std::uint8_t>(data, hdr->caplen);
    frame.wire_length = hdr->len;
    return Next::frame;
  }
  if (rc == 0) {
    return Next::timeout;
  }
  if (rc == PCAP_ERROR_BREAK) {
    return Next::end;
  }
  if (rc == PCAP_ERROR && !m_live) {
    return Next::error; // a truncated file ends with an error
  }
  return rc == -2 ? Next::end : Next::error;
}

std::string PcapReader::last_error() const
{
  return pcap_geterr(h(m_handle));
}

void PcapReader::break_loop() noexcept
{
  pcap_breakloop(h(m_handle));
}

std::uint64_t PcapReader::kernel_drops() const
{
  pcap_stat st{};
  if (!m_live || pcap_stats(h(m_handle), &st) != 0) {
    return 0;
  }
  return st.ps_drop;
}

} // namespace bgpwatch::collector

// bgp/expected.hpp: a small Expected<T, E> for C++20.
//
// C++20 has no std::expected. This copies the part of tl::expected's surface
// that bgpwatch uses (has_value, operator*, operator->, value, error,
// value_or), so moving to std::expected in C++23 is mechanical.
// Errors are values: library code never throws for bad input; only the CLI
// and daemon boundary turn errors into messages and exit codes.
#pragma once

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace bgpwatch {

template <class E>
class Unexpected
{
public:
  explicit Unexpected(E error) : m_error(std::move(error))
  {
  }

  const E& error() const&
  {
    return m_error;
  }
  E& error() &
  {
    return m_error;
  }
  E&& error() &&
  {
    return std::move(m_error);
  }

private:
  E m_error;
};

template <class E>
Unexpected(E) -> Unexpected<E>;

// Thrown only by value() on an error: a programming mistake, not bad input.
class BadExpectedAccess : public std::logic_error
{
public:
  BadExpectedAccess() : std::logic_error("Expected: value() called on an error")
  {
  }
};

template <class T, class E>
class Expected
{
public:
  using value_type = T;
  using error_type = E;

  Expected(const T& value) : m_v(std::in_place_index<0>, value)
  {
  }
  Expected(T&& value) : m_v(std::in_place_index<0>, std::move(value))
  {
  }
  template <class U = T>
    requires(!std::is_same_v<std::remove_cvref_t<U>, T>
             && !std::is_same_v<std::remove_cvref_t<U>, Expected>
             && std::is_constructible_v<T, U&&>
             && !std::is_convertible_v<U&&, E>)
  Expected(U&& value) : m_v(std::in_place_index<0>, std::forward<U>(value))
  {
  }
  template <class G>
    requires std::is_constructible_v<E, const G&>
  Expected(const Unexpected<G>& u) : m_v(std::in_place_index<1>, u.error())
  {
  }
  template <class G>
    requires std::is_constructible_v<E, G&&>
  Expected(Unexpected<G>&& u) : m_v(std::in_place_index<1>, std::move(u).error())
  {
  }

  bool has_value() const noexcept
  {
    return m_v.index() == 0;
  }
  explicit operator bool() const noexcept
  {
    return has_value();
  }

  T& value() &
  {
    check();
    return std::get<0>(m_v);
  }
  const T& value() const&
  {
    check();
    return std::get<0>(m_v);
  }
  T&& value() &&
  {
    check();
    return std::get<0>(std::move(m_v));
  }

  T& operator*() &
  {
    return value();
  }
  const T& operator*() const&
  {
    return value();
  }
  T&& operator*() &&
  {
    return std::move(*this).value();
  }
  T* operator->()
  {
    return &value();
  }
  const T* operator->() const
  {
    return &value();
  }

  E& error() &
  {
    return std::get<1>(m_v);
  }
  const E& error() const&
  {
    return std::get<1>(m_v);
  }
  E&& error() &&
  {
    return std::get<1>(std::move(m_v));
  }

  template <class U>
  T value_or(U&& fallback) const&
  {
    return has_value() ? std::get<0>(m_v) : static_cast<T>(std::forward<U>(fallback));
  }

private:
  void check() const
  {
    if (!has_value()) {
      throw BadExpectedAccess();
    }
  }

  std::variant<T, E> m_v;
};

template <class E>
class Expected<void, E>
{
public:
  using value_type = void;
  using error_type = E;

  Expected() = default;
  template <class G>
    requires std::is_constructible_v<E, const G&>
  Expected(const Unexpected<G>& u) : m_error(u.error()), m_ok(false)
  {
  }
  template <class G>
    requires std::is_constructible_v<E, G&&>
  Expected(Unexpected<G>&& u) : m_error(std::move(u).error()), m_ok(false)
  {
  }

  bool has_value() const noexcept
  {
    return m_ok;
  }
  explicit operator bool() const noexcept
  {
    return m_ok;
  }
  const E& error() const&
  {
    return m_error;
  }
  E& error() &
  {
    return m_error;
  }

private:
  E m_error{};
  bool m_ok = true;
};

} // namespace bgpwatch

// Propagate an error from an Expected-returning expression.
#define BGPWATCH_TRY(expr_)                                                    \
  do {                                                                         \
    auto&& bgpwatch_try_result_ = (expr_);                                     \
    if (!bgpwatch_try_result_) {                                               \
      return ::bgpwatch::Unexpected(std::move(bgpwatch_try_result_).error());  \
    }                                                                          \
  } while (false)

// Assign the value of an Expected-returning expression, or propagate its error.
#define BGPWATCH_TRY_ASSIGN(var_, expr_)                                       \
  auto&& var_##_bgpwatch_result_ = (expr_);                                    \
  if (!var_##_bgpwatch_result_) {                                              \
    return ::bgpwatch::Unexpected(std::move(var_##_bgpwatch_result_).error()); \
  }                                                                            \
  var_ = std::move(*var_##_bgpwatch_result_)

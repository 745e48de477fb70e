// Boost.Asio, Asio's SSL layer and Boost.Beast are header-only by default; compiling them
// in every translation unit that uses them costs ~20 s each. With
// BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION (set PUBLIC on
// sps_net) their implementation is compiled once, here.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>

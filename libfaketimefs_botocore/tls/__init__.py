"""Certificates of the endpoints the AWS signers sign for, judged by the real time.

Under libfaketime OpenSSL judges a certificate by the faked C clock, so a
half year ahead or behind every AWS endpoint's certificate has expired or is
not valid yet, before any signature is looked at. Python's ``ssl`` cannot
set the time a connection is verified by; OpenSSL can
(``X509_VERIFY_PARAM_set_time``), for one connection at a time. So each new
client connection to a host a signer of ours signed for
(:mod:`.signed_hosts`) gets the real time as its verification time, set on
its own ``SSL`` object before the handshake (:mod:`.handshake`), through the
libssl that ``_ssl`` is linked with (:mod:`.openssl`). The check stays on:
a certificate expired by the real time is refused. Every other connection
keeps the program's clock.

freezegun and time-machine do not reach OpenSSL, which reads the C clock:
nothing changes under them.
"""


class TLSTimeWarning(RuntimeWarning):
    """Certificates are judged by the faked process clock: the real time cannot be set here.

    Warned once, at the first handshake with a host signed for, with the reason.
    """

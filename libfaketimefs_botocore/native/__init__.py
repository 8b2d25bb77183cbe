"""Native clients' clock imports, redirected in their own loaded images. Layers, lowest first:

- :mod:`.elf`: an object's imports, read through a reader of its addresses (file or image);
- :mod:`.loaded`: the objects the process has loaded, its mappings, a safe reader of an image;
- :mod:`.functions`: which imports make an object's clock, and where each leads here;
- :mod:`.writes`: slots written only after every check, page protections kept exactly;
- :mod:`.scan`: the loaded objects of a package, by the folder they came from;
- :mod:`.watch`: a call after each import of a package's modules;
- :mod:`.redirection`: the whole, for the integrations: ``apply``, ``restore``, ``statuses``.

Imports nothing at import: ctypes is loaded only where libfaketime is preloaded.
"""

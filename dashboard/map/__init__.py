"""What the map page and the wall screen draw, apart from the pages that show it.

``framing`` says where and when a view looks, ``layers`` turns areas and points into GeoJSON (in
the basemap's datum), ``heat`` renders event density as a PNG, ``choropleth`` colours areas by a
figure and ``navigate`` checks every code a click or a search brings back. Pages import these;
nothing here imports a page.
"""

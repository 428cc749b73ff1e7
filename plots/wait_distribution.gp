# Waiting-time distribution: share of service starts that came within N days of arrival, for all
# clients and by stream (a cumulative distribution; waits of clients who gave up are not in it).
# $data: days and the share in % for all clients and each stream; keys: the curves' titles.
n = |keys|
set title title noenhanced
set xlabel "Days from arrival to the start of services"
set ylabel "Service starts within that many days (%)"
set xrange [0:91]
set xtics 0, 7
set yrange [0:105]
set key bottom right noenhanced
set grid
plot for [i=2:n+1] $data using 1:i with steps lw (i == 2 ? 4 : 2) \
     title keys[i-1]

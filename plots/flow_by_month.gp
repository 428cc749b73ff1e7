# Monthly client flow: new clients, waiting list and caseload (means over replications).
# $data columns: month (YYYY-MM), arrivals, waiting at month end, in service at month end.
set title title noenhanced
set xdata time
set timefmt "%Y-%m"
set format x "%b\n%Y"
set xlabel "Month (calendar)"
set ylabel "Clients"
set key top left opaque box
set grid ytics
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
plot $data using 1:2 with lines lw 2 title "New clients in the month", \
     $data using 1:3 with lines lw 2 title "Waiting for a place (month end)", \
     $data using 1:4 with lines lw 2 title "In service (month end)"

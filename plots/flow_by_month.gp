# Monthly client flow: new clients, waiting list and caseload (means over replications).
# $data columns: month (YYYY-MM), arrivals, waiting at month end, in service at month end.
set title title noenhanced
set xdata time
set timefmt "%Y-%m"
set format x "%Y"
set xlabel "Month"
set ylabel "Clients"
set key outside bottom center horizontal
set grid ytics
set yrange [0:*]
plot $data using 1:2 with lines lw 2 title "New clients in the month", \
     $data using 1:3 with lines lw 2 title "Waiting for a place (month end)", \
     $data using 1:4 with lines lw 2 title "In service (month end)"

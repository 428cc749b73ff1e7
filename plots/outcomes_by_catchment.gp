# Employment rate at exit and 12-month retention by catchment, with 95 % intervals.
# $data: per catchment, its row number, then (mean, low, high) in % for each measure;
# tics: the catchments' names.
set title title noenhanced
set style data histograms
set style histogram errorbars gap 2 lw 1.5
set style fill solid 0.8 border -1
set ylabel "Per cent"
set yrange [0:100]
set key top right noenhanced
set grid ytics
set xtics noenhanced rotate by -20
plot $data using 2:3:4:xtic(tics[int(column(0))+1]) title "Employed at exit (% of plans closed)", \
     $data using 5:6:7 title "Still employed 12 months after the job start (%)"
